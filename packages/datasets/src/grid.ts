/**
 * Full-factorial grids (mixed radix, last factor fastest) and their balanced subsamples.
 */
import { permutation, rngFor } from './prng.js';

export class FactorGrid {
  readonly size: number;

  constructor(readonly dims: readonly number[]) {
    this.size = dims.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(this.size)) throw new RangeError(`grid of ${dims.join('×')} is too large`);
  }

  /** Grid index → one coordinate per factor. */
  decode(index: number): number[] {
    const coords = new Array<number>(this.dims.length);
    let rest = index;
    for (let f = this.dims.length - 1; f >= 0; f--) {
      const d = this.dims[f]!;
      coords[f] = rest % d;
      rest = Math.floor(rest / d);
    }
    return coords;
  }

  encode(coords: readonly number[]): number {
    let index = 0;
    this.dims.forEach((d, f) => {
      index = index * d + coords[f]!;
    });
    return index;
  }
}

/**
 * `n` distinct grid indices (ascending) chosen so every factor's values are as evenly
 * represented as the grid allows: cells are visited in a seeded random order and a cell is
 * taken while none of its values has reached its share ceil(n / dim); any shortfall is filled
 * from the remaining cells in the same order. When n is a multiple of every dimension, each
 * factor's marginal counts come out exactly equal in practice.
 */
export function balancedSubsample(grid: FactorGrid, n: number, seed: number): Int32Array {
  if (n >= grid.size) return Int32Array.from({ length: grid.size }, (_, i) => i);
  const order = permutation(grid.size, rngFor(seed, 0x6772_6964));
  const caps = grid.dims.map((d) => Math.ceil(n / d));
  const counts = grid.dims.map((d) => new Int32Array(d));
  const taken = new Uint8Array(grid.size);
  const chosen: number[] = [];
  for (const cell of order) {
    if (chosen.length === n) break;
    const coords = grid.decode(cell);
    if (coords.every((v, f) => counts[f]![v]! < caps[f]!)) {
      coords.forEach((v, f) => counts[f]![v]!++);
      taken[cell] = 1;
      chosen.push(cell);
    }
  }
  for (const cell of order) {
    if (chosen.length === n) break;
    if (!taken[cell]) chosen.push(cell);
  }
  return Int32Array.from(chosen).sort();
}
