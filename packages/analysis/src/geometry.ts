/**
 * Geometry of a representation X [n, d] (rows = samples): the spectrum of its sample covariance
 * and what is summarised from it, plus uniformity and norm/distance statistics. Every
 * definition is the paper's (its released evaluation code, JosRor/BWSSL-for-Video-ViTs,
 * `eva_embeddings.py`); see README.md, "Metric conventions".
 *
 * Spectrum: λ_1 ≥ … ≥ λ_m ≥ 0, m = min(n, d), the eigenvalues of Σ = XcᵀXc/(n − 1) (with
 * `center: false`, the second-moment matrix XᵀX/n) — the squared singular values of Xc over
 * n − 1, so exactly min(n, d) of them, zeros included. With ε = 1e-12:
 *   effective rank      exp(−Σ p_k log max(p_k, ε)), p_k = λ_k / Σλ: m for isotropic, 1 for rank-1 data
 *   participation ratio (Σλ)² / max(Σλ², ε)
 *   isotropy ratio      λ_1 / max(mean(λ), ε) ∈ [1, m]: 1 when all m directions carry equal
 *                       variance, m when one does
 *   explained-k@c       the smallest k with λ_1 + … + λ_k ≥ c·Σλ (c = 0.9 by default), in [1, m]
 *   condition number    λ_1 / max(λ_m, ε). With centred data and n ≤ d, λ_m = 0 (the centred
 *                       rows span at most n − 1 dimensions), so it is λ_1 / 1e-12 by definition.
 * When n < d the n nonzero eigenvalues are taken from the n×n Gram matrix (same nonzero
 * spectrum, cheaper).
 */
import quickselect from 'quickselect';
import { symmetricEigenvalues } from './eigen.js';
import { AnalysisError } from './errors.js';
import { type Matrix, type MatrixLike, centerColumns, gram, matrix, normalizeRows, rowNorms, scatterMatrix, toMatrix } from './matrix.js';
import { mean, std } from './stats.js';

export interface SpectrumOptions {
  /** Centre columns first (sample covariance). Default true. */
  readonly center?: boolean;
  /** The share of the variance explained-k must reach, in (0, 1]. Default 0.9 (explained-k@90%). */
  readonly explainedVariance?: number;
}

/** The ε of the released code's spectrum summaries (guards logs and divisions). */
export const SPECTRUM_EPS = 1e-12;

export interface SpectrumStatistics {
  /** Covariance eigenvalues, descending, length min(n, d). */
  readonly eigenvalues: Float64Array;
  readonly effectiveRank: number;
  readonly participationRatio: number;
  readonly isotropyRatio: number;
  /** The smallest k whose top-k eigenvalues reach `explainedVariance` (default 0.9) of the total. */
  readonly explainedK: number;
  readonly conditionNumber: number;
}

/**
 * Eigenvalues of the sample covariance XcᵀXc/(n − 1), descending, length min(n, d); rounding
 * negatives are clipped to 0. With `center: false`, of XᵀX/n.
 */
export function covarianceEigenvalues(x: MatrixLike, options: SpectrumOptions = {}): Float64Array {
  return spectrum(toMatrix(x, 'covarianceEigenvalues'), options, 'covarianceEigenvalues');
}

function spectrum(X: Matrix, options: SpectrumOptions, fn: string): Float64Array {
  return spectrumOfRows(X.data, X.rows, X.cols, options.center ?? true, fn);
}

/**
 * Covariance eigenvalues (descending, length min(rows, cols)) of a row-major [rows, cols] array of finite
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
  const out = new Float64Array(Math.min(rows, cols));
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.max(0, (ascending[ascending.length - 1 - i] as number) * scale);
  }
  return out;
}

/** Spectrum summaries from covariance eigenvalues (descending); throws when the variance is 0. */
export function summariseSpectrum(eigenvalues: Float64Array, fn: string, explainedVariance = 0.9): SpectrumStatistics {
  return summarise(eigenvalues, fn, explainedVariance);
}

/** All spectrum summaries from one eigendecomposition. Throws when the total variance is 0. */
export function spectrumStatistics(x: MatrixLike, options: SpectrumOptions = {}): SpectrumStatistics {
  const fn = 'spectrumStatistics';
  return summarise(spectrum(toMatrix(x, fn), options, fn), fn, options.explainedVariance ?? 0.9);
}

function summarise(eigenvalues: Float64Array, fn: string, explainedVariance = 0.9): SpectrumStatistics {
  if (!(explainedVariance > 0 && explainedVariance <= 1)) throw new AnalysisError(fn, `explainedVariance must lie in (0, 1], got ${explainedVariance}`);
  const m = eigenvalues.length;
  let total = 0;
  let squares = 0;
  for (const v of eigenvalues) {
    total += v;
    squares += v * v;
  }
  const largest = eigenvalues[0] ?? 0;
  if (!(total > SPECTRUM_EPS) || !(largest > 0)) {
    throw new AnalysisError(fn, 'the features have zero variance (constant or all-zero), so the spectrum is degenerate');
  }
  let entropy = 0;
  for (const v of eigenvalues) {
    const p = v / total;
    entropy -= p * Math.log(Math.max(p, SPECTRUM_EPS));
  }
  // The first k whose running sum reaches the target (numpy: searchsorted(cumsum, target, 'left') + 1).
  const target = explainedVariance * total;
  let explainedK = m;
  let running = 0;
  for (let k = 0; k < m; k++) {
    running += eigenvalues[k] as number;
    if (running >= target) {
      explainedK = k + 1;
      break;
    }
  }
  return {
    eigenvalues,
    effectiveRank: Math.exp(entropy),
    participationRatio: (total * total) / Math.max(squares, SPECTRUM_EPS),
    isotropyRatio: largest / Math.max(total / m, SPECTRUM_EPS),
    explainedK,
    conditionNumber: largest / Math.max(eigenvalues[m - 1] as number, SPECTRUM_EPS),
  };
}

/** exp(entropy of the normalised covariance eigenvalues): between 1 (rank 1) and min(n, d) (isotropic). */
export function effectiveRank(x: MatrixLike, options: SpectrumOptions = {}): number {
  return summarise(spectrum(toMatrix(x, 'effectiveRank'), options, 'effectiveRank'), 'effectiveRank').effectiveRank;
}

/** (Σλ)² / Σλ² of the covariance eigenvalues: between 1 and min(n, d). */
export function participationRatio(x: MatrixLike, options: SpectrumOptions = {}): number {
  const fn = 'participationRatio';
  return summarise(spectrum(toMatrix(x, fn), options, fn), fn).participationRatio;
}

/** max(λ) / mean(λ) of the min(n, d) covariance eigenvalues: between 1 and min(n, d) (see the file comment). */
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

/** numpy's default (linear) quantiles at q = 0.05, 0.5, 0.95. */
export interface Quantiles {
  readonly q05: number;
  readonly q50: number;
  readonly q95: number;
}

export interface DistanceStatistics {
  /** Mean Euclidean distance over pairs i ≠ j. */
  readonly meanDistance: number;
  /** Population standard deviation of those distances. */
  readonly stdDistance: number;
  readonly distanceQuantiles: Quantiles;
  /** Mean cosine similarity over pairs i ≠ j (needs nonzero rows). */
  readonly meanCosine: number;
  /** Population standard deviation of those cosines. */
  readonly stdCosine: number;
  readonly cosineQuantiles: Quantiles;
}

/**
 * Pairwise Euclidean distance and cosine statistics over all ordered pairs i ≠ j (n ≥ 2): the
 * population the released code samples 20,000 ordered pairs from. Means and stds equal those
 * over the pairs i < j; quantiles are numpy's linear ones over the ordered pairs (each
 * unordered pair counted twice).
 */
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
  const values = new Float64Array(pairs);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const kii = centredGram[i * n + i] as number;
    for (let j = i + 1; j < n; j++) {
      values[p++] = Math.sqrt(Math.max(0, kii + (centredGram[j * n + j] as number) - 2 * (centredGram[i * n + j] as number)));
    }
  }
  const distances = summarisePairs(values);
  p = 0;
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) values[p++] = cosine[i * n + j] as number;
  const cosines = summarisePairs(values);
  return {
    meanDistance: distances.mean,
    stdDistance: distances.std,
    distanceQuantiles: distances.quantiles,
    meanCosine: cosines.mean,
    stdCosine: cosines.std,
    cosineQuantiles: cosines.quantiles,
  };
}

/**
 * Mean, std (two passes, no cancellation) and ordered-pair quantiles of the values over pairs
 * i < j; reorders `values`. The quantiles need only a few order statistics, found by selection
 * (O(pairs)) rather than by sorting every pair.
 */
function summarisePairs(values: Float64Array): { mean: number; std: number; quantiles: Quantiles } {
  const m = mean(values);
  const s = std(values);
  // The ordered-pair multiset lists every value twice: its k-th smallest is values[⌊k/2⌋].
  const count = 2 * values.length;
  const positions = [0.05, 0.5, 0.95].map((q) => {
    const position = q * (count - 1);
    const lo = Math.floor(position);
    return { lo, hi: Math.min(lo + 1, count - 1), t: position - lo };
  });
  const at = orderStatistics(values, positions.flatMap((p) => [p.lo >> 1, p.hi >> 1]));
  const quantile = (i: number): number => {
    const { lo, hi, t } = positions[i] as { lo: number; hi: number; t: number };
    const a = at.get(lo >> 1) as number;
    const b = at.get(hi >> 1) as number;
    // numpy's _lerp: from the nearer end, so t = 1 gives b exactly.
    return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
  };
  return { mean: m, std: s, quantiles: { q05: quantile(0), q50: quantile(1), q95: quantile(2) } };
}

/**
 * The values at the given 0-based ranks of `values` in ascending order, by repeated selection
 * (each rank after the previous one selects only among the values above it); reorders `values`.
 */
function orderStatistics(values: Float64Array, ranks: readonly number[]): Map<number, number> {
  const found = new Map<number, number>();
  const array = values as unknown as number[]; // quickselect reads and swaps by index only
  let left = 0;
  for (const rank of [...new Set(ranks)].sort((a, b) => a - b)) {
    quickselect(array, rank, left, values.length - 1, ascending);
    found.set(rank, values[rank] as number);
    left = rank;
  }
  return found;
}

const ascending = (a: number, b: number): number => a - b;
