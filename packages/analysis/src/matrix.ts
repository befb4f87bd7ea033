/**
 * Dense row-major matrices over Float64Array and the few linear-algebra kernels the analyses
 * need. Convention everywhere in this package: rows = samples, columns = features.
 *
 * The hot kernel is `dotRows` (C = A·Bᵀ, every entry a dot product of two contiguous rows),
 * register-blocked 2×2 so each loaded value feeds two multiply-adds; Gram matrices, cross
 * products (via a transpose) and the probe's logits all go through it.
 */
import { AnalysisError } from './errors.js';

/** A dense row-major matrix: entry (i, j) is `data[i * cols + j]`. */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** A single-precision matrix, e.g. straight from a tfjs `dataSync()`; converted on entry. */
export interface Float32Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float32Array;
}

/** Anything the public functions accept as a matrix: `number[][]` (rows = samples) or dense. */
export type MatrixLike = Matrix | Float32Matrix | readonly (readonly number[])[];

/** A new matrix; `data` is used as is (not copied) when given. */
export function matrix(rows: number, cols: number, data?: Float64Array): Matrix {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new AnalysisError('matrix', `invalid shape [${rows}, ${cols}]`);
  }
  const values = data ?? new Float64Array(rows * cols);
  if (values.length !== rows * cols) {
    throw new AnalysisError('matrix', `data has ${values.length} values, shape [${rows}, ${cols}] needs ${rows * cols}`);
  }
  return { rows, cols, data: values };
}

function isDense(x: MatrixLike): x is Matrix | Float32Matrix {
  return !Array.isArray(x);
}

/**
 * Validates and converts to a Float64 `Matrix`: non-empty, rectangular, every value finite.
 * A Float64 `Matrix` is returned as is (no copy), so callers must not write into the result.
 * `fn` and `name` only shape the error message (`linearCKA: y contains NaN at [3, 7]`).
 */
export function toMatrix(x: MatrixLike, fn = 'toMatrix', name = 'x'): Matrix {
  let out: Matrix;
  if (isDense(x)) {
    if (x.data.length !== x.rows * x.cols) {
      throw new AnalysisError(fn, `${name} has ${x.data.length} values but shape [${x.rows}, ${x.cols}]`);
    }
    out = x.data instanceof Float64Array ? (x as Matrix) : matrix(x.rows, x.cols, Float64Array.from(x.data));
  } else {
    const rows = x.length;
    const cols = rows > 0 ? (x[0]?.length ?? 0) : 0;
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const row = x[i] as readonly number[];
      if (row.length !== cols) {
        throw new AnalysisError(fn, `${name} is ragged: row ${i} has ${row.length} values, row 0 has ${cols}`);
      }
      for (let j = 0; j < cols; j++) data[i * cols + j] = row[j] as number;
    }
    out = matrix(rows, cols, data);
  }
  if (out.rows === 0 || out.cols === 0) {
    throw new AnalysisError(fn, `${name} is empty (shape [${out.rows}, ${out.cols}])`);
  }
  assertFinite(out.data, out.cols, fn, name);
  return out;
}

/** Throws if any value is NaN or ±Infinity, naming the first offending [row, col]. */
export function assertFinite(data: ArrayLike<number>, cols: number, fn: string, name: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (!Number.isFinite(v)) {
      const where = cols > 0 ? `[${Math.floor(i / cols)}, ${i % cols}]` : `[${i}]`;
      throw new AnalysisError(fn, `${name} contains ${Number.isNaN(v) ? 'NaN' : 'Infinity'} at ${where}`);
    }
  }
}

/** Converts back to `number[][]` (for JSON reports and tests). */
export function toArrays(x: Matrix): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < x.rows; i++) out.push(Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols)));
  return out;
}

/** Column means, length `cols`. */
export function columnMeans(x: Matrix): Float64Array {
  const { rows, cols, data } = x;
  const mean = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) mean[j] = (mean[j] as number) + (data[o + j] as number);
  }
  for (let j = 0; j < cols; j++) mean[j] = (mean[j] as number) / rows;
  return mean;
}

/** A copy with every column centred to mean zero (the feature centring of CKA and PCA). */
export function centerColumns(x: Matrix): Matrix {
  const { rows, cols, data } = x;
  const mean = columnMeans(x);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const o = i * cols;
    for (let j = 0; j < cols; j++) out[o + j] = (data[o + j] as number) - (mean[j] as number);
  }
  return matrix(rows, cols, out);
}

/** Xᵀ, [r, c] → [c, r], in cache-sized tiles. */
export function transpose(x: Matrix): Matrix {
  const { rows, cols, data } = x;
  const out = new Float64Array(rows * cols);
  const tile = 32;
  for (let i0 = 0; i0 < rows; i0 += tile) {
    const i1 = Math.min(rows, i0 + tile);
    for (let j0 = 0; j0 < cols; j0 += tile) {
      const j1 = Math.min(cols, j0 + tile);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) out[j * rows + i] = data[i * cols + j] as number;
      }
    }
  }
  return matrix(cols, rows, out);
}

/**
 * C = A·Bᵀ for row-major A [m, k] and B [n, k]: C[i, j] = ⟨A_i, B_j⟩. With `symmetric` (A and B
 * the same matrix) only j ≥ i is computed and mirrored. 2×2 register blocking: four
 * accumulators share two loads of A and two of B per step.
 */
export function dotRows(a: Matrix, b: Matrix, symmetric = false): Matrix {
  if (a.cols !== b.cols) {
    throw new AnalysisError('dotRows', `inner dimensions differ: [${a.rows}, ${a.cols}] · [${b.rows}, ${b.cols}]ᵀ`);
  }
  const m = a.rows;
  const n = b.rows;
  const k = a.cols;
  const A = a.data;
  const B = b.data;
  const C = new Float64Array(m * n);
  const kEven = k - (k & 1);
  let i = 0;
  for (; i + 1 < m; i += 2) {
    const a0 = i * k;
    const a1 = a0 + k;
    let j = symmetric ? i : 0;
    for (; j + 1 < n; j += 2) {
      const b0 = j * k;
      const b1 = b0 + k;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      let t = 0;
      // Unrolled by two: fewer loop-carried branches per multiply-add (about 10% faster in V8).
      for (; t < kEven; t += 2) {
        let x0 = A[a0 + t] as number;
        let x1 = A[a1 + t] as number;
        let y0 = B[b0 + t] as number;
        let y1 = B[b1 + t] as number;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
        x0 = A[a0 + t + 1] as number;
        x1 = A[a1 + t + 1] as number;
        y0 = B[b0 + t + 1] as number;
        y1 = B[b1 + t + 1] as number;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      if (t < k) {
        const x0 = A[a0 + t] as number;
        const x1 = A[a1 + t] as number;
        const y0 = B[b0 + t] as number;
        const y1 = B[b1 + t] as number;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      const r0 = i * n + j;
      const r1 = r0 + n;
      C[r0] = s00;
      C[r0 + 1] = s01;
      C[r1] = s10;
      C[r1 + 1] = s11;
    }
    for (; j < n; j++) {
      const b0 = j * k;
      let s0 = 0;
      let s1 = 0;
      for (let t = 0; t < k; t++) {
        const y = B[b0 + t] as number;
        s0 += (A[a0 + t] as number) * y;
        s1 += (A[a1 + t] as number) * y;
      }
      C[i * n + j] = s0;
      C[(i + 1) * n + j] = s1;
    }
  }
  for (; i < m; i++) {
    const a0 = i * k;
    for (let j = symmetric ? i : 0; j < n; j++) {
      const b0 = j * k;
      let s = 0;
      for (let t = 0; t < k; t++) s += (A[a0 + t] as number) * (B[b0 + t] as number);
      C[i * n + j] = s;
    }
  }
  if (symmetric) {
    for (let r = 1; r < m; r++) {
      for (let c = 0; c < r; c++) C[r * n + c] = C[c * n + r] as number;
    }
  }
  return matrix(m, n, C);
}

/** The Gram matrix X·Xᵀ [n, n] of the rows (samples) of X. */
export function gram(x: Matrix): Matrix {
  return dotRows(x, x, true);
}

/** The cross-product Xᵀ·Y [dx, dy] over samples (rows) of X [n, dx] and Y [n, dy]. */
export function crossProduct(x: Matrix, y: Matrix): Matrix {
  if (x.rows !== y.rows) {
    throw new AnalysisError('crossProduct', `sample counts differ: ${x.rows} vs ${y.rows}`);
  }
  const xt = transpose(x);
  return x === y ? dotRows(xt, xt, true) : dotRows(xt, transpose(y));
}

/**
 * The scatter matrix Σ_i (x_i − μ)(x_i − μ)ᵀ [cols, cols] of the rows x_i of a row-major
 * [rows, cols] array (μ the column means, or 0 with `center: false`), straight from the data
 * (any numeric array, Float32 included) without a full centred or transposed copy: rows are
 * taken in chunks, centred and transposed into a small buffer, and accumulated with the
 * blocked dot-product kernel.
 */
export function scatterMatrix(data: ArrayLike<number>, rows: number, cols: number, center = true): Matrix {
  const mean = new Float64Array(cols);
  if (center) {
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      for (let j = 0; j < cols; j++) mean[j] = (mean[j] as number) + (data[o + j] as number);
    }
    for (let j = 0; j < cols; j++) mean[j] = (mean[j] as number) / rows;
  }
  const chunk = 256;
  const buffer = new Float64Array(cols * chunk); // [cols, chunk]: one centred column per row
  const out = new Float64Array(cols * cols);
  for (let start = 0; start < rows; start += chunk) {
    const len = Math.min(chunk, rows - start);
    for (let r = 0; r < len; r++) {
      const o = (start + r) * cols;
      for (let j = 0; j < cols; j++) buffer[j * len + r] = (data[o + j] as number) - (mean[j] as number);
    }
    const view = matrix(cols, len, buffer.subarray(0, cols * len));
    const part = dotRows(view, view, true).data;
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + (part[i] as number);
  }
  return matrix(cols, cols, out);
}

/**
 * C = A·B for A [m, k], B [k, n]. Large products transpose B once and use the blocked
 * `dotRows` kernel; small ones run the i-k-j loop, whose inner loop walks rows of B and C.
 */
export function matmul(a: Matrix, b: Matrix): Matrix {
  if (a.cols !== b.rows) {
    throw new AnalysisError('matmul', `inner dimensions differ: [${a.rows}, ${a.cols}] · [${b.rows}, ${b.cols}]`);
  }
  const m = a.rows;
  const k = a.cols;
  const n = b.cols;
  if (m * k * n >= 1 << 16) return dotRows(a, transpose(b));
  const A = a.data;
  const B = b.data;
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let t = 0; t < k; t++) {
      const v = A[i * k + t] as number;
      if (v === 0) continue;
      const bt = t * n;
      for (let j = 0; j < n; j++) C[ci + j] = (C[ci + j] as number) + v * (B[bt + j] as number);
    }
  }
  return matrix(m, n, C);
}

/** ⟨A, B⟩_F = Σ A_ij B_ij over two equal-length arrays. */
export function frobeniusInner(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) throw new AnalysisError('frobeniusInner', `lengths differ: ${a.length} vs ${b.length}`);
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < a.length; i += 2) {
    s0 += (a[i] as number) * (b[i] as number);
    s1 += (a[i + 1] as number) * (b[i + 1] as number);
  }
  if (i < a.length) s0 += (a[i] as number) * (b[i] as number);
  return s0 + s1;
}

/** ‖A‖_F. */
export function frobeniusNorm(a: Float64Array): number {
  return Math.sqrt(frobeniusInner(a, a));
}

/** The L2 norm of every row, length `rows`. */
export function rowNorms(x: Matrix): Float64Array {
  const { rows, cols, data } = x;
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    const o = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = data[o + j] as number;
      s += v * v;
    }
    out[i] = Math.sqrt(s);
  }
  return out;
}

/**
 * A copy with every row scaled to unit L2 norm (for cosine similarities). A zero row has no
 * direction, so it is an error (named after `fn`) rather than a row of NaN.
 */
export function normalizeRows(x: Matrix, fn = 'normalizeRows', name = 'x'): Matrix {
  const norms = rowNorms(x);
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < x.rows; i++) {
    const norm = norms[i] as number;
    if (!(norm > 0)) throw new AnalysisError(fn, `${name} row ${i} has zero norm, so its cosine similarity is undefined`);
    const o = i * x.cols;
    for (let j = 0; j < x.cols; j++) out[o + j] = (x.data[o + j] as number) / norm;
  }
  return matrix(x.rows, x.cols, out);
}

/**
 * Both n×n Grams a depth's analysis needs, for one Gram's multiply-adds: the centred Gram
 * XcXcᵀ (CKA, PCA, distances) and the cosine similarities of the rows, the latter derived in
 * O(n²) from the former: with X = Xc + 1μᵀ, ⟨x_i, x_j⟩ = ⟨xc_i, xc_j⟩ + ⟨xc_i, μ⟩ + ⟨xc_j, μ⟩ + ‖μ‖²,
 * divided by the rows' norms (taken directly, so a zero row is the same error as in
 * `normalizeRows`). The cosine diagonal is exactly 1.
 */
export function centredAndCosineGrams(x: Matrix, fn = 'centredAndCosineGrams', name = 'x'): { centred: Float64Array; cosine: Float64Array } {
  const { rows: n, cols } = x;
  const norms = rowNorms(x);
  for (let i = 0; i < n; i++) {
    if (!((norms[i] as number) > 0)) throw new AnalysisError(fn, `${name} row ${i} has zero norm, so its cosine similarity is undefined`);
  }
  const mean = columnMeans(x);
  const xc = centerColumns(x);
  const centred = gram(xc).data;
  let meanSquare = 0;
  for (let j = 0; j < cols; j++) meanSquare += (mean[j] as number) * (mean[j] as number);
  const towardMean = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    const o = i * cols;
    for (let j = 0; j < cols; j++) s += (xc.data[o + j] as number) * (mean[j] as number);
    towardMean[i] = s;
  }
  const cosine = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const o = i * n;
    const ti = (towardMean[i] as number) + meanSquare;
    const ni = norms[i] as number;
    for (let j = 0; j < n; j++) cosine[o + j] = ((centred[o + j] as number) + ti + (towardMean[j] as number)) / (ni * (norms[j] as number));
    cosine[o + i] = 1;
  }
  return { centred, cosine };
}

/** Whether two arrays hold the same values in the same order (a first difference ends the scan). */
export function sameValues(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The rows of X listed in `indices`, in that order. */
export function selectRows(x: Matrix, indices: ArrayLike<number>): Matrix {
  const out = new Float64Array(indices.length * x.cols);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r] as number;
    out.set(x.data.subarray(i * x.cols, (i + 1) * x.cols), r * x.cols);
  }
  return matrix(indices.length, x.cols, out);
}

/**
 * Cholesky factor of a symmetric positive definite A [n, n]: the lower-triangular L with
 * A = L·Lᵀ (row-major, upper part zero). Throws when A is not positive definite.
 */
export function cholesky(a: Matrix): Matrix {
  const n = a.rows;
  if (a.cols !== n) throw new AnalysisError('cholesky', `A must be square, got [${a.rows}, ${a.cols}]`);
  const L = new Float64Array(n * n);
  const A = a.data;
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let s = A[rj + j] as number;
    for (let k = 0; k < j; k++) s -= (L[rj + k] as number) ** 2;
    if (!(s > 0)) throw new AnalysisError('cholesky', `A is not positive definite (pivot ${j} is ${s})`);
    const ljj = Math.sqrt(s);
    L[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let t0 = A[ri + j] as number;
      let t1 = 0;
      let k = 0;
      for (; k + 1 < j; k += 2) {
        t0 -= (L[ri + k] as number) * (L[rj + k] as number);
        t1 -= (L[ri + k + 1] as number) * (L[rj + k + 1] as number);
      }
      if (k < j) t0 -= (L[ri + k] as number) * (L[rj + k] as number);
      L[ri + j] = (t0 + t1) / ljj;
    }
  }
  return matrix(n, n, L);
}

/**
 * The inverse of a symmetric positive definite matrix via its Cholesky factor:
 * A⁻¹ = L⁻ᵀ·L⁻¹, with L⁻¹ by forward substitution (n³/6) and the product through `dotRows` (n³/2).
 */
export function inverseSPD(a: Matrix): Matrix {
  const n = a.rows;
  const L = cholesky(a).data;
  const inv = new Float64Array(n * n); // L⁻¹, lower triangular, row i has entries 0..i
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    // row_i(L⁻¹) = (e_i − Σ_{k<i} L_ik · row_k(L⁻¹)) / L_ii
    for (let k = 0; k < i; k++) {
      const lik = L[ri + k] as number;
      if (lik === 0) continue;
      const rk = k * n;
      for (let j = 0; j <= k; j++) inv[ri + j] = (inv[ri + j] as number) - lik * (inv[rk + j] as number);
    }
    const lii = L[ri + i] as number;
    for (let j = 0; j < i; j++) inv[ri + j] = (inv[ri + j] as number) / lii;
    inv[ri + i] = 1 / lii;
  }
  // (L⁻ᵀL⁻¹)_ab = Σ_i L⁻¹_ia L⁻¹_ib: the Gram of the columns of L⁻¹ = rows of its transpose.
  const t = transpose(matrix(n, n, inv));
  return dotRows(t, t, true);
}

/**
 * Solves (L·Lᵀ)·x = b in place for `count` right-hand sides stored as consecutive rows of
 * length n in `b` (b[r·n + i]), L [n, n] a Cholesky factor. The sides are interleaved during
 * the sweeps so each entry of L is loaded once and feeds `count` independent multiply-adds.
 */
export function choleskySolveRows(l: Matrix, b: Float64Array, count = 1): void {
  const n = l.rows;
  const L = l.data;
  const R = count;
  if (b.length < n * R) throw new AnalysisError('choleskySolveRows', `needs ${n * R} values, got ${b.length}`);
  const t = new Float64Array(n * R); // t[i·R + r] = b[r·n + i]
  for (let r = 0; r < R; r++) for (let i = 0; i < n; i++) t[i * R + r] = b[r * n + i] as number;
  // L·z = b, row by row.
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const ti = i * R;
    for (let k = 0; k < i; k++) {
      const lik = L[ri + k] as number;
      if (lik === 0) continue;
      const tk = k * R;
      for (let r = 0; r < R; r++) t[ti + r] = (t[ti + r] as number) - lik * (t[tk + r] as number);
    }
    const inv = 1 / (L[ri + i] as number);
    for (let r = 0; r < R; r++) t[ti + r] = (t[ti + r] as number) * inv;
  }
  // Lᵀ·x = z, column-oriented so L is still read along its rows.
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    const ti = i * R;
    const inv = 1 / (L[ri + i] as number);
    for (let r = 0; r < R; r++) t[ti + r] = (t[ti + r] as number) * inv;
    for (let k = 0; k < i; k++) {
      const lik = L[ri + k] as number;
      if (lik === 0) continue;
      const tk = k * R;
      for (let r = 0; r < R; r++) t[tk + r] = (t[tk + r] as number) - lik * (t[ti + r] as number);
    }
  }
  for (let r = 0; r < R; r++) for (let i = 0; i < n; i++) b[r * n + i] = t[i * R + r] as number;
}
