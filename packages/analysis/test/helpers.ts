/** Test helpers: seeded random matrices and slow, obviously-correct reference computations. */
import { seededRandom } from '@stratum/stats';

export function randomMatrix(rows: number, cols: number, seed: number, scale = 1): number[][] {
  const r = seededRandom(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => r.normal() * scale));
}

export function randomSymmetric(n: number, seed: number): number[][] {
  const a = randomMatrix(n, n, seed);
  return a.map((row, i) => row.map((v, j) => (i <= j ? v : (a[j] as number[])[i] as number)));
}

/** A random orthogonal matrix from Gram–Schmidt on a random Gaussian matrix. */
export function randomOrthogonal(n: number, seed: number): number[][] {
  const a = randomMatrix(n, n, seed);
  const q: number[][] = [];
  for (const v of a) {
    const u = v.slice();
    for (const e of q) {
      const p = dotv(u, e);
      for (let i = 0; i < n; i++) u[i] = (u[i] as number) - p * (e[i] as number);
    }
    const norm = Math.sqrt(dotv(u, u));
    q.push(u.map((x) => x / norm));
  }
  return q;
}

export function dotv(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

export function mul(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number[][] {
  const n = a.length;
  const m = (b[0] as number[]).length;
  const k = b.length;
  const out = Array.from({ length: n }, () => new Array<number>(m).fill(0));
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) {
    let s = 0;
    for (let t = 0; t < k; t++) s += ((a[i] as number[])[t] as number) * ((b[t] as number[])[j] as number);
    (out[i] as number[])[j] = s;
  }
  return out;
}

export function transposeArrays(a: readonly (readonly number[])[]): number[][] {
  return ((a[0] as number[]) ?? []).map((_, j) => a.map((row) => row[j] as number));
}

export function centre(x: readonly (readonly number[])[]): number[][] {
  const n = x.length;
  const d = (x[0] as number[]).length;
  const mean = new Array<number>(d).fill(0);
  for (const row of x) row.forEach((v, j) => (mean[j] = (mean[j] as number) + v / n));
  return x.map((row) => row.map((v, j) => v - (mean[j] as number)));
}

export function frob2(a: readonly (readonly number[])[]): number {
  return a.reduce((s, row) => s + row.reduce((t, v) => t + v * v, 0), 0);
}

export function maxAbsDiff(a: readonly (readonly number[])[], b: readonly (readonly number[])[]): number {
  let m = 0;
  a.forEach((row, i) => row.forEach((v, j) => (m = Math.max(m, Math.abs(v - ((b[i] as number[])[j] as number))))));
  return m;
}
