/**
 * Geometry of a representation X [n, d] (rows = samples): the spectrum of its sample covariance
 * and what is summarised from it, plus uniformity and norm/distance statistics.
 *
 * Spectrum: λ_1 ≥ … ≥ λ_d ≥ 0, the eigenvalues of Σ = XcᵀXc/(n − 1) (with `center: false`,
 * the second-moment matrix XᵀX/n). Every summary below is invariant to that scale.
 *   effective rank      exp(H(p)), p_k = λ_k / Σλ, H the Shannon entropy (0·log 0 = 0):
 *                       d for isotropic data, 1 for rank-1 data (the covariance-spectrum form;
 *                       Roy & Vetterli apply the same formula to singular values of X)
 *   participation ratio (Σλ)² / Σλ²: also d for isotropic and 1 for rank-1 data
 *   isotropy ratio      mean(λ) / max(λ) = (tr Σ / d) / λ_1 ∈ [1/d, 1]: 1 when all directions
 *                       carry equal variance, 1/d when one does. Chosen over λ_min/λ_max,
 *                       which is 0 whenever n ≤ d and so says nothing about pooled features.
 * When n < d the d×d covariance has at most n nonzero eigenvalues; they are taken from the
 * n×n Gram matrix instead (same nonzero spectrum, cheaper) and the rest are zeros.
 */
import { symmetricEigenvalues } from './eigen.js';
import { AnalysisError } from './errors.js';
import { type Matrix, type MatrixLike, centerColumns, gram, matrix, normalizeRows, rowNorms, scatterMatrix, toMatrix } from './matrix.js';
import { mean, std } from './stats.js';

export interface SpectrumOptions {
  /** Centre columns first (sample covariance). Default true. */
  readonly center?: boolean;
}

export interface SpectrumStatistics {
  /** Covariance eigenvalues, descending, length d (zeros beyond rank n − 1). */
  readonly eigenvalues: Float64Array;
  readonly effectiveRank: number;
  readonly participationRatio: number;
  readonly isotropyRatio: number;
}

/**
 * Eigenvalues of the sample covariance XcᵀXc/(n − 1), descending, length d; rounding
 * negatives are clipped to 0. With `center: false`, of XᵀX/n.
 */
export function covarianceEigenvalues(x: MatrixLike, options: SpectrumOptions = {}): Float64Array {
  return spectrum(toMatrix(x, 'covarianceEigenvalues'), options, 'covarianceEigenvalues');
}

function spectrum(X: Matrix, options: SpectrumOptions, fn: string): Float64Array {
  return spectrumOfRows(X.data, X.rows, X.cols, options.center ?? true, fn);
}

/**
 * Covariance eigenvalues (descending, length cols) of a row-major [rows, cols] array of finite
 * values; any numeric array works, so Float32 token tensors need no Float64 copy.
 */
export function spectrumOfRows(data: ArrayLike<number>, rows: number, cols: number, center: boolean, fn: string): Float64Array {
  if (center && rows < 2) throw new AnalysisError(fn, `a sample covariance needs at least 2 samples, got ${rows}`);
  const scale = 1 / (center ? rows - 1 : rows);
  // The nonzero eigenvalues of XᵀX and XXᵀ coincide: decompose the smaller one.
  let small: Matrix;
  if (rows < cols) {
    const x = matrix(rows, cols, Float64Array.from(data));
    small = gram(center ? centerColumns(x) : x);
  } else {
    small = scatterMatrix(data, rows, cols, center);
  }
  const ascending = symmetricEigenvalues(small);
  const out = new Float64Array(cols);
  for (let i = 0; i < ascending.length; i++) {
    out[i] = Math.max(0, (ascending[ascending.length - 1 - i] as number) * scale);
  }
  return out;
}

/** Spectrum summaries from covariance eigenvalues (descending); throws when the variance is 0. */
export function summariseSpectrum(eigenvalues: Float64Array, fn: string): SpectrumStatistics {
  return summarise(eigenvalues, fn);
}

/** All spectrum summaries from one eigendecomposition. Throws when the total variance is 0. */
export function spectrumStatistics(x: MatrixLike, options: SpectrumOptions = {}): SpectrumStatistics {
  return summarise(spectrum(toMatrix(x, 'spectrumStatistics'), options, 'spectrumStatistics'), 'spectrumStatistics');
}

function summarise(eigenvalues: Float64Array, fn: string): SpectrumStatistics {
  let total = 0;
  let squares = 0;
  for (const v of eigenvalues) {
    total += v;
    squares += v * v;
  }
  const largest = eigenvalues[0] ?? 0;
  if (!(total > 0) || !(largest > 0)) {
    throw new AnalysisError(fn, 'the features have zero variance (constant or all-zero), so the spectrum is degenerate');
  }
  let entropy = 0;
  for (const v of eigenvalues) {
    if (v > 0) {
      const p = v / total;
      entropy -= p * Math.log(p);
    }
  }
  return {
    eigenvalues,
    effectiveRank: Math.exp(entropy),
    participationRatio: (total * total) / squares,
    isotropyRatio: total / eigenvalues.length / largest,
  };
}

/** exp(entropy of the normalised covariance eigenvalues): between 1 (rank 1) and d (isotropic). */
export function effectiveRank(x: MatrixLike, options: SpectrumOptions = {}): number {
  return summarise(spectrum(toMatrix(x, 'effectiveRank'), options, 'effectiveRank'), 'effectiveRank').effectiveRank;
}

/** (Σλ)² / Σλ² of the covariance eigenvalues: between 1 and d. */
export function participationRatio(x: MatrixLike, options: SpectrumOptions = {}): number {
  const fn = 'participationRatio';
  return summarise(spectrum(toMatrix(x, fn), options, fn), fn).participationRatio;
}

/** mean(λ) / max(λ) of the covariance eigenvalues: between 1/d and 1 (see the file comment). */
export function isotropyRatio(x: MatrixLike, options: SpectrumOptions = {}): number {
  const fn = 'isotropyRatio';
  return summarise(spectrum(toMatrix(x, fn), options, fn), fn).isotropyRatio;
}

export interface UniformityOptions {
  /** Temperature t of the Gaussian potential. Default 2 (Wang & Isola, 2020). */
  readonly t?: number;
}

/**
 * Uniformity of Wang & Isola (2020): log mean_{i≠j} exp(−t‖u_i − u_j‖²) over the L2-normalised
 * rows u_i. It lies in [−4t, 0]: 0 when all points coincide, lower the more uniformly they
 * spread over the sphere. Needs n ≥ 2 and no zero rows.
 */
export function uniformity(x: MatrixLike, options: UniformityOptions = {}): number {
  const fn = 'uniformity';
  const X = toMatrix(x, fn);
  if (X.rows < 2) throw new AnalysisError(fn, `needs at least 2 samples, got ${X.rows}`);
  const t = options.t ?? 2;
  if (!(t > 0) || !Number.isFinite(t)) throw new AnalysisError(fn, `t must be positive, got ${t}`);
  return uniformityFromCosine(gram(normalizeRows(X, fn)).data, X.rows, t);
}

/** Uniformity from the n×n cosine-similarity matrix: ‖u_i − u_j‖² = 2 − 2·cos_ij. */
export function uniformityFromCosine(cosine: Float64Array, n: number, t = 2): number {
  // log-mean-exp, shifted by the largest exponent for stability.
  let maxExp = -Infinity;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) maxExp = Math.max(maxExp, -t * (2 - 2 * (cosine[i * n + j] as number)));
  }
  let s = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) s += Math.exp(-t * (2 - 2 * (cosine[i * n + j] as number)) - maxExp);
  }
  return maxExp + Math.log(s / ((n * (n - 1)) / 2));
}

export interface NormStatistics {
  readonly mean: number;
  /** Population standard deviation (ddof = 0). */
  readonly std: number;
  readonly min: number;
  readonly max: number;
}

/** Statistics of the rows' L2 norms. */
export function normStatistics(x: MatrixLike): NormStatistics {
  const norms = rowNorms(toMatrix(x, 'normStatistics'));
  return describe(norms);
}

export function describe(values: Float64Array): NormStatistics {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  return { mean: mean(values), std: std(values), min, max };
}

export interface DistanceStatistics {
  /** Mean Euclidean distance over pairs i < j. */
  readonly meanDistance: number;
  /** Population standard deviation of those distances. */
  readonly stdDistance: number;
  /** Mean cosine similarity over pairs i ≠ j (needs nonzero rows). */
  readonly meanCosine: number;
}

/** Pairwise Euclidean distance and cosine statistics over all pairs i < j (n ≥ 2). */
export function distanceStatistics(x: MatrixLike): DistanceStatistics {
  const fn = 'distanceStatistics';
  const X = toMatrix(x, fn);
  if (X.rows < 2) throw new AnalysisError(fn, `needs at least 2 samples, got ${X.rows}`);
  return distanceStatisticsFromGrams(gram(centerColumns(X)).data, gram(normalizeRows(X, fn)).data, X.rows);
}

/**
 * The same from precomputed Grams: `centredGram` of column-centred features (distances are
 * translation invariant and centring keeps K_ii + K_jj − 2K_ij accurate) and `cosine`.
 */
export function distanceStatisticsFromGrams(centredGram: Float64Array, cosine: Float64Array, n: number): DistanceStatistics {
  const pairs = (n * (n - 1)) / 2;
  const distance = (i: number, j: number): number =>
    Math.sqrt(Math.max(0, (centredGram[i * n + i] as number) + (centredGram[j * n + j] as number) - 2 * (centredGram[i * n + j] as number)));
  let sum = 0;
  let cos = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      sum += distance(i, j);
      cos += cosine[i * n + j] as number;
    }
  }
  const meanDistance = sum / pairs;
  let spread = 0; // second pass: no cancellation in the variance
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dev = distance(i, j) - meanDistance;
      spread += dev * dev;
    }
  }
  return {
    meanDistance,
    stdDistance: Math.sqrt(spread / pairs),
    meanCosine: cos / pairs,
  };
}
