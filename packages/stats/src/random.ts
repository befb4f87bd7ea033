// Every seeded random draw in Stratum comes from this module, so results repeat across machines
// and Node versions (Math.random cannot be seeded). Two generators, one for each way of drawing:
//   - `Rng` (mulberry32, 32-bit state), keyed by a tuple of integers (`rngFor(seed, clipIndex)`):
//     any clip, fold or epoch order is regenerated on its own, in any order, without replaying
//     a stream (the datasets, the analysis, the demo);
//   - `Prng` (xoshiro128**, 128-bit state), one long stream per (seed, name) whose state is saved
//     in a checkpoint and resumed exactly (the trainer's initialisation and masking).
// Both are seeded through the same murmur3 finaliser.

/** What a consumer of randomness needs. */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
}

/** mulberry32 seeded with a 32-bit integer. */
export class Rng implements Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.nextU32() / 0x100000000;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0) throw new Error(`Rng.int needs a positive integer, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal (Box–Muller, two uniforms per draw). */
  normal(): number {
    const u = 1 - this.next(); // (0, 1]
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }
}

export function seededRandom(seed: number): Random {
  return new Rng(seed);
}

/** In-place Fisher–Yates shuffle driven by `random`. */
export function shuffleInPlace(a: Int32Array | number[], random: Pick<Random, 'int'>): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const t = a[i] as number;
    a[i] = a[j] as number;
    a[j] = t;
  }
}

// ---- keyed draws -----------------------------------------------------------------------------

/** murmur3's 32-bit finaliser: a bijective avalanche mix of one 32-bit word. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Hashes a tuple of integers (each a safe integer, negative allowed) into one 32-bit seed.
 * Both halves of a value above 2^32 take part, so seeds 1 and 2^32 + 1 differ.
 */
export function hashInts(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    if (!Number.isSafeInteger(v)) throw new Error(`seed component must be a safe integer, got ${v}`);
    const lo = v >>> 0;
    const hi = Math.floor(v / 0x100000000) >>> 0;
    h = mix32(h ^ mix32(lo + 0x7f4a7c15));
    h = mix32(h ^ mix32(hi + 0x632be5ab));
  }
  return h;
}

/** An `Rng` keyed by a tuple of integers: `rngFor(seed, index)`. */
export function rngFor(...key: number[]): Rng {
  return new Rng(hashInts(...key));
}

/** Fisher–Yates permutation of 0..n-1. */
export function permutation(n: number, rng: Rng): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  shuffleInPlace(p, rng);
  return p;
}

// ---- resumable streams -----------------------------------------------------------------------

/** FNV-1a of a stream name, so independent streams ('init', 'mask') come from one seed. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export type PrngState = [number, number, number, number];

export class Prng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  private constructor(state: PrngState) {
    [this.s0, this.s1, this.s2, this.s3] = state.map((x) => x >>> 0) as PrngState;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) throw new RangeError('xoshiro128** state must not be all zero');
  }

  /** A generator for (seed, stream); any safe-integer seed. */
  static fromSeed(seed: number, stream = ''): Prng {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 2 ** 32) >>> 0;
    let x = mix32(lo ^ mix32(hi ^ hashString(stream)));
    const state: number[] = [];
    for (let i = 0; i < 4; i++) {
      x = (x + 0x9e3779b9) >>> 0; // splitmix-style expansion
      state.push(mix32(x) || 1);
    }
    return new Prng(state as PrngState);
  }

  static fromState(state: readonly number[]): Prng {
    if (state.length !== 4 || !state.every((v) => Number.isInteger(v) && v >= 0 && v < 2 ** 32)) {
      throw new RangeError(`PRNG state must be four uint32 values, got ${JSON.stringify(state)}`);
    }
    return new Prng([...state] as PrngState);
  }

  getState(): PrngState {
    return [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0];
  }

  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 32 random bits. */
  nextFloat(): number {
    return this.nextUint32() / 2 ** 32;
  }

  /** Uniform integer in [0, n), unbiased (rejection sampling). */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > 2 ** 32) throw new RangeError(`nextInt bound must be in [1, 2^32], got ${n}`);
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }

  /** Standard normal (Box–Muller, one value per call so the state stays a plain 4-tuple). */
  normal(): number {
    const u = 1 - this.nextFloat(); // (0, 1]
    const v = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
