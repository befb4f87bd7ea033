/**
 * Symmetric eigendecomposition A = V·diag(λ)·Vᵀ: Householder reduction to tridiagonal form,
 * then the implicit QL algorithm with Wilkinson-type shifts (EISPACK tred2/tql2, as in JAMA;
 * backward stable, O(n³), about 4/3·n³ flops without vectors and 9·n³ with them).
 *
 * Storage note: EISPACK walks down columns; here the working array holds the transpose so every
 * inner loop runs over contiguous memory, which matters for n ≈ 384 in JavaScript.
 */
import { AnalysisError } from './errors.js';
import { type Matrix, type MatrixLike, matrix, toMatrix } from './matrix.js';

export interface SymmetricEigen {
  /** Eigenvalues in ascending order (numpy.linalg.eigh's convention). */
  readonly values: Float64Array;
  /** Eigenvectors as the columns of an orthogonal [n, n] matrix (column i ↔ values[i]); absent when not asked for. */
  readonly vectors?: Matrix;
}

export interface SymmetricEigenOptions {
  /** Also compute eigenvectors (about 7× the work of eigenvalues alone). Default true. */
  readonly vectors?: boolean;
  /** Relative tolerance of the symmetry check, against max |A_ij|. Default 1e-10. */
  readonly symmetryTolerance?: number;
}

/** Bound on QL sweeps per eigenvalue; convergence is cubic, so real inputs need 2–3. */
const MAX_QL_ITERATIONS = 60;

/**
 * Eigenvalues (ascending) and optionally orthonormal eigenvectors of a symmetric matrix.
 * Throws an `AnalysisError` for a non-square or asymmetric input; the strictly lower and upper
 * triangles are averaged before the reduction so rounding asymmetry is harmless.
 */
export function symmetricEigen(input: MatrixLike, options: SymmetricEigenOptions = {}): SymmetricEigen {
  const fn = 'symmetricEigen';
  const A = toMatrix(input, fn, 'A');
  const n = A.rows;
  if (A.cols !== n) throw new AnalysisError(fn, `A must be square, got [${A.rows}, ${A.cols}]`);
  const withVectors = options.vectors ?? true;
  const tolerance = options.symmetryTolerance ?? 1e-10;

  let scale = 0;
  for (let i = 0; i < A.data.length; i++) scale = Math.max(scale, Math.abs(A.data[i] as number));
  // a[j*n + k] holds EISPACK's V[k][j] (the transpose); for symmetric A that is A itself.
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    a[i * n + i] = A.data[i * n + i] as number;
    for (let j = 0; j < i; j++) {
      const upper = A.data[j * n + i] as number;
      const lower = A.data[i * n + j] as number;
      if (Math.abs(upper - lower) > tolerance * scale) {
        throw new AnalysisError(fn, `A is not symmetric: A[${i}, ${j}] = ${lower} but A[${j}, ${i}] = ${upper}`);
      }
      const v = 0.5 * (upper + lower);
      a[i * n + j] = v;
      a[j * n + i] = v;
    }
  }
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalize(a, n, d, e, withVectors);
  implicitQL(a, n, d, e, withVectors);

  // Sort ascending, permuting eigenvectors (rows of `a`) alongside.
  const order = Array.from({ length: n }, (_, i) => i).sort((p, q) => (d[p] as number) - (d[q] as number));
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = d[order[i] as number] as number;
  if (!withVectors) return { values };
  const vectors = new Float64Array(n * n);
  for (let col = 0; col < n; col++) {
    const row = (order[col] as number) * n;
    for (let k = 0; k < n; k++) vectors[k * n + col] = a[row + k] as number;
  }
  return { values, vectors: matrix(n, n, vectors) };
}

/** Eigenvalues only, ascending. */
export function symmetricEigenvalues(input: MatrixLike): Float64Array {
  return symmetricEigen(input, { vectors: false }).values;
}

/**
 * Householder reduction (EISPACK tred2) of the symmetric matrix in `a` (transposed storage) to
 * tridiagonal form: diagonal → d, subdiagonal → e[1..n-1]. With `accumulate`, `a` ends holding
 * the orthogonal transformation, row j = column j of Q.
 */
function tridiagonalize(a: Float64Array, n: number, d: Float64Array, e: Float64Array, accumulate: boolean): void {
  for (let j = 0; j < n; j++) d[j] = a[j * n + n - 1] as number;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k] as number);
    if (scale === 0) {
      e[i] = d[i - 1] as number;
      for (let j = 0; j < i; j++) {
        d[j] = a[j * n + i - 1] as number;
        a[j * n + i] = 0;
        a[i * n + j] = 0;
      }
    } else {
      // Householder vector, scaled to avoid under/overflow.
      for (let k = 0; k < i; k++) {
        const v = (d[k] as number) / scale;
        d[k] = v;
        h += v * v;
      }
      let f = d[i - 1] as number;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      // Similarity transformation of the remaining leading i×i block.
      for (let j = 0; j < i; j++) {
        const col = j * n;
        f = d[j] as number;
        a[i * n + j] = f;
        g = (e[j] as number) + (a[col + j] as number) * f;
        for (let k = j + 1; k <= i - 1; k++) {
          const v = a[col + k] as number;
          g += v * (d[k] as number);
          e[k] = (e[k] as number) + v * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = (e[j] as number) / h;
        f += (e[j] as number) * (d[j] as number);
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = (e[j] as number) - hh * (d[j] as number);
      for (let j = 0; j < i; j++) {
        const col = j * n;
        f = d[j] as number;
        g = e[j] as number;
        for (let k = j; k <= i - 1; k++) a[col + k] = (a[col + k] as number) - (f * (e[k] as number) + g * (d[k] as number));
        d[j] = a[col + i - 1] as number;
        a[col + i] = 0;
      }
    }
    d[i] = h;
  }

  if (!accumulate) {
    for (let j = 0; j < n; j++) d[j] = a[j * n + j] as number;
    e[0] = 0;
    return;
  }
  // Accumulate the Householder transformations into Q.
  for (let i = 0; i < n - 1; i++) {
    const ci = i * n;
    const cn = (i + 1) * n;
    a[ci + n - 1] = a[ci + i] as number;
    a[ci + i] = 1;
    const h = d[i + 1] as number;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = (a[cn + k] as number) / h;
      for (let j = 0; j <= i; j++) {
        const cj = j * n;
        let g = 0;
        for (let k = 0; k <= i; k++) g += (a[cn + k] as number) * (a[cj + k] as number);
        for (let k = 0; k <= i; k++) a[cj + k] = (a[cj + k] as number) - g * (d[k] as number);
      }
    }
    for (let k = 0; k <= i; k++) a[cn + k] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = a[j * n + n - 1] as number;
    a[j * n + n - 1] = 0;
  }
  a[(n - 1) * n + n - 1] = 1;
  e[0] = 0;
}

/**
 * Implicit QL iterations (EISPACK tql2) on the tridiagonal (d, e): eigenvalues → d; with
 * `accumulate`, the rotations are applied to the rows of `a` (the eigenvectors).
 */
function implicitQL(a: Float64Array, n: number, d: Float64Array, e: Float64Array, accumulate: boolean): void {
  for (let i = 1; i < n; i++) e[i - 1] = e[i] as number;
  if (n > 0) e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l] as number) + Math.abs(e[l] as number));
    let m = l;
    while (m < n - 1 && Math.abs(e[m] as number) > eps * tst1) m++;
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > MAX_QL_ITERATIONS) {
          throw new AnalysisError('symmetricEigen', `QL iteration did not converge for eigenvalue ${l} of ${n}`);
        }
        // Implicit shift from the leading 2×2 block.
        let g = d[l] as number;
        let p = ((d[l + 1] as number) - g) / (2 * (e[l] as number));
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = (e[l] as number) / (p + r);
        d[l + 1] = (e[l] as number) * (p + r);
        const dl1 = d[l + 1] as number;
        let h = g - (d[l] as number);
        for (let i = l + 2; i < n; i++) d[i] = (d[i] as number) - h;
        f += h;
        // QL sweep from m up to l with Givens rotations.
        p = d[m] as number;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1] as number;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * (e[i] as number);
          h = c * p;
          r = Math.hypot(p, e[i] as number);
          e[i + 1] = s * r;
          s = (e[i] as number) / r;
          c = p / r;
          p = c * (d[i] as number) - s * g;
          d[i + 1] = h + s * (c * g + s * (d[i] as number));
          if (accumulate) {
            const ri = i * n;
            const rn = (i + 1) * n;
            for (let k = 0; k < n; k++) {
              const hk = a[rn + k] as number;
              const vk = a[ri + k] as number;
              a[rn + k] = s * vk + c * hk;
              a[ri + k] = c * vk - s * hk;
            }
          }
        }
        p = (-s * s2 * c3 * el1 * (e[l] as number)) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l] as number) > eps * tst1);
    }
    d[l] = (d[l] as number) + f;
    e[l] = 0;
  }
}
