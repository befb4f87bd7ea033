/**
 * Small seeded PRNG and seed hashing.
 *
 * Every random choice in this package is drawn from an `Rng` keyed by a tuple of integers
 * (e.g. `(seed, clipIndex)` or `(seed, epoch)`), so any clip or any epoch order can be
 * regenerated on its own, in any order, without replaying a stream. The generator itself is
 * @stratum/stats' `Rng` (mulberry32).
 */
import { Rng, shuffleInPlace } from '@stratum/stats';

export { Rng };

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
