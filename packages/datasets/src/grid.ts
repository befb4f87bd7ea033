/**
 * Full-factorial grids (mixed radix, last factor fastest) and their balanced subsamples.
 */
import { permutation, rngFor, type Rng } from '@stratum/stats';

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
 * `n` distinct grid indices (ascending) in which every factor's values are as evenly
 * represented as possible: each value of a factor with d values appears ⌊n/d⌋ or ⌈n/d⌉ times
 * (exactly n/d when d divides n). Deterministic by seed.
 *
 * Construction: each factor gets a seeded shuffle of the balanced sequence j mod d
 * (j = 0..n-1) and row j is the cell of the j-th entries. Rows that repeat a cell are repaired
 * by swapping one factor's entries between two rows — a swap keeps every marginal count — and a
 * swap is kept only if the number of distinct cells does not drop. Above half the grid the
 * complement is built instead (the full grid is balanced, so its complement stays balanced),
 * which keeps collisions rare and the repair short.
 */
export function balancedSubsample(grid: FactorGrid, n: number, seed: number): Int32Array {
  const all = (): Int32Array => Int32Array.from({ length: grid.size }, (_, i) => i);
  if (n >= grid.size) return all();
  if (n <= 0) return new Int32Array(0);
  const rng = rngFor(seed, 0x6772_6964);
  if (n <= grid.size / 2) return Int32Array.from(balancedCells(grid, n, rng)).sort();
  const dropped = new Set(balancedCells(grid, grid.size - n, rng));
  return all().filter((c) => !dropped.has(c));
}

function balancedCells(grid: FactorGrid, n: number, rng: Rng): number[] {
  const seqs = grid.dims.map((d) => {
    const base = permutation(n, rng);
    return Int32Array.from(base, (j) => j % d);
  });
  const cellOf = (j: number): number => grid.encode(seqs.map((s) => s[j]!));
  const cells = Array.from({ length: n }, (_, j) => cellOf(j));
  const counts = new Map<number, number>();
  for (const c of cells) counts.set(c, (counts.get(c) ?? 0) + 1);
  let distinct = counts.size;
  const add = (c: number, k: number): void => {
    const v = (counts.get(c) ?? 0) + k;
    if (v === 0) counts.delete(c);
    else counts.set(c, v);
    if (v === 0) distinct--;
    if (v === 1 && k === 1) distinct++;
  };
  const movable = grid.dims.map((d, f) => (d > 1 ? f : -1)).filter((f) => f >= 0);
  for (let pass = 0; distinct < n; pass++) {
    if (pass > 10_000 || movable.length === 0) throw new Error(`could not draw ${n} distinct balanced cells from a ${grid.dims.join('×')} grid`);
    for (let j = 0; j < n; j++) {
      for (let attempt = 0; attempt < 32 && counts.get(cells[j]!)! > 1; attempt++) {
        const f = movable[rng.int(movable.length)]!;
        const k = rng.int(n);
        const s = seqs[f]!;
        if (k === j || s[k] === s[j]) continue;
        const before = distinct;
        const swap = (): void => {
          const t = s[j]!;
          s[j] = s[k]!;
          s[k] = t;
        };
        add(cells[j]!, -1);
        add(cells[k]!, -1);
        swap();
        const cj = cellOf(j);
        const ck = cellOf(k);
        add(cj, 1);
        add(ck, 1);
        if (distinct >= before) {
          cells[j] = cj;
          cells[k] = ck;
        } else {
          add(cj, -1);
          add(ck, -1);
          swap();
          add(cells[j]!, 1);
          add(cells[k]!, 1);
        }
      }
    }
  }
  return cells;
}
