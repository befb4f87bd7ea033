/**
 * Centred kernel alignment (Kornblith et al., 2019) between representations X [n, dx] and
 * Y [n, dy] of the same n samples (rows = samples, same order).
 *
 *   linear    CKA = ‖YcᵀXc‖²_F / (‖XcᵀXc‖_F ‖YcᵀYc‖_F)          (columns centred)
 *                 = ⟨Kx, Ky⟩ / (‖Kx‖_F ‖Ky‖_F),  K = Xc·Xcᵀ      (the Gram form)
 *   debiased  CKA = HSIC₁(Kx, Ky) / √(HSIC₁(Kx, Kx) HSIC₁(Ky, Ky)) with the unbiased estimator
 *                 HSIC₁ (Song et al., 2012; Nguyen et al., 2021; Kornblith's `debiased=True`)
 *   rbf       CKA = the linear formula on centred Gaussian Grams, K_ij = exp(−‖x_i − x_j‖² / (2σ²)),
 *                 σ = threshold · median of the off-diagonal pairwise distances ‖x_i − x_j‖, i < j
 *                 (distances, not squared distances), each representation with its own σ: the
 *                 paper's convention (`rbf_cka` in its released `eva_embeddings.py`, threshold 1).
 *
 * HSIC₁ on zero-diagonal Grams K̃, L̃:
 *   n(n−3)·HSIC₁ = tr(K̃L̃) + (1ᵀK̃1)(1ᵀL̃1)/((n−1)(n−2)) − 2/(n−2)·1ᵀK̃L̃1.
 * It is unchanged by adding a_i + b_j terms to K (so by centring features or double-centring a
 * kernel), and for a centred Gram K (K1 = 0) it reduces to
 *   n(n−3)·HSIC₁ = ⟨K, L⟩ − n/(n−2)·Σ_i K_ii L_ii + tr K · tr L / ((n−1)(n−2)),
 * which is what is computed here (the same algebra as Kornblith's feature-space helper).
 *
 * Each representation is reduced once to `KernelStats` (its centred Gram, or its centred
 * features when the feature-space form is cheaper), and every pair is formed from those, so a
 * B×B matrix costs B Gram matrices plus B² inner products.
 */
import { AnalysisError } from './errors.js';
import {
  type Matrix,
  type MatrixLike,
  centerColumns,
  crossProduct,
  frobeniusInner,
  gram,
  toMatrix,
  transpose,
  dotRows,
} from './matrix.js';
import { median } from './stats.js';

export type CKAKind = 'linear' | 'debiased' | 'rbf';

export interface RBFOptions {
  /** σ = threshold × median off-diagonal distance. Default 1 (the paper's). */
  readonly threshold?: number;
}

/**
 * What one representation contributes to any CKA: either its centred n×n Gram (`gram`), or its
 * centred features and their transpose (`features`, only for the linear kernel), plus the
 * diagonal of the centred Gram, its trace and ⟨K, K⟩.
 */
interface KernelStats {
  readonly n: number;
  readonly gram?: Float64Array;
  readonly featuresT?: Matrix;
  readonly diag: Float64Array;
  readonly trace: number;
  readonly selfInner: number;
}

/** Relative variance below which centred features count as constant (rounding noise only). */
const CONSTANT_RELATIVE_VARIANCE = 1e-24;

function centredFeatures(x: Matrix, fn: string, name: string): Matrix {
  const xc = centerColumns(x);
  let raw = 0;
  let centred = 0;
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i] as number;
    const c = xc.data[i] as number;
    raw += v * v;
    centred += c * c;
  }
  if (!(centred > CONSTANT_RELATIVE_VARIANCE * raw) || centred === 0) {
    throw new AnalysisError(fn, `${name} is constant across samples (every feature has zero variance), so CKA is undefined`);
  }
  return xc;
}

function rowSquaredNorms(x: Matrix): Float64Array {
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let s = 0;
    for (let j = 0; j < x.cols; j++) {
      const v = x.data[i * x.cols + j] as number;
      s += v * v;
    }
    out[i] = s;
  }
  return out;
}

function sum(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] as number;
  return s;
}

function diagonalOf(k: Float64Array, n: number): Float64Array {
  const d = new Float64Array(n);
  for (let i = 0; i < n; i++) d[i] = k[i * n + i] as number;
  return d;
}

/** Linear kernel, Gram form: K = Xc·Xcᵀ, already centred because Xc is. */
function linearGramStats(xc: Matrix): KernelStats {
  return statsOfCentredGram(gram(xc).data, xc.rows);
}

function statsOfCentredGram(k: Float64Array, n: number): KernelStats {
  const diag = diagonalOf(k, n);
  return { n, gram: k, diag, trace: sum(diag), selfInner: frobeniusInner(k, k) };
}

/** Linear kernel, feature form: ⟨K, K⟩ = ‖XcᵀXc‖²_F without forming the n×n Gram. */
function linearFeatureStats(xc: Matrix): KernelStats {
  const c = crossProduct(xc, xc).data;
  const diag = rowSquaredNorms(xc);
  return { n: xc.rows, featuresT: transpose(xc), diag, trace: sum(diag), selfInner: frobeniusInner(c, c) };
}

/**
 * Gaussian kernel from the centred linear Gram (squared distances K_ii + K_jj − 2K_ij, which is
 * accurate because the features are centred), σ from the median distance over i < j, then
 * double-centred.
 */
function rbfStatsFromLinearGram(linear: Float64Array, n: number, threshold: number, fn: string, name: string): KernelStats {
  const sq = new Float64Array(n * n);
  const distances = new Float64Array((n * (n - 1)) / 2);
  let p = 0;
  for (let i = 0; i < n; i++) {
    const kii = linear[i * n + i] as number;
    for (let j = i + 1; j < n; j++) {
      const v = Math.max(0, kii + (linear[j * n + j] as number) - 2 * (linear[i * n + j] as number));
      sq[i * n + j] = v;
      sq[j * n + i] = v;
      distances[p++] = Math.sqrt(v);
    }
  }
  const sigma = threshold * (distances.length ? median(distances) : 0);
  if (!(sigma > 0)) {
    throw new AnalysisError(fn, `${name}: the median pairwise distance is 0 (at least half the sample pairs coincide), so the RBF bandwidth is undefined`);
  }
  const scale = -1 / (2 * sigma * sigma);
  const k = sq; // reuse the buffer: K_ij = exp(−d²_ij / (2σ²)), diagonal exp(0) = 1
  for (let i = 0; i < n * n; i++) k[i] = Math.exp((k[i] as number) * scale);
  doubleCentre(k, n);
  const diag = diagonalOf(k, n);
  const selfInner = frobeniusInner(k, k);
  if (!(selfInner > 0)) throw new AnalysisError(fn, `${name}: the centred RBF Gram matrix is zero, so CKA is undefined`);
  return { n, gram: k, diag, trace: sum(diag), selfInner };
}

/** K ← HKH with H = I − 11ᵀ/n: K_ij − r_i − r_j + g for row means r and grand mean g. */
function doubleCentre(k: Float64Array, n: number): void {
  const r = new Float64Array(n);
  let g = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += k[i * n + j] as number;
    r[i] = s / n;
    g += s;
  }
  g /= n * n;
  for (let i = 0; i < n; i++) {
    const ri = (r[i] as number) - g;
    for (let j = 0; j < n; j++) k[i * n + j] = (k[i * n + j] as number) - ri - (r[j] as number);
  }
}

/** ⟨Kx, Ky⟩_F from whichever forms the two stats carry. */
function innerProduct(a: KernelStats, b: KernelStats): number {
  if (a.gram && b.gram) return frobeniusInner(a.gram, b.gram);
  if (a.featuresT && b.featuresT) {
    // ‖XcᵀYc‖²_F, XcᵀYc as dot products of the transposed (feature-major) rows.
    const c = dotRows(a.featuresT, b.featuresT).data;
    return frobeniusInner(c, c);
  }
  throw new AnalysisError('cka', 'internal: kernel statistics of different forms');
}

/** n(n−3)·HSIC₁ for centred Grams (see the file comment); the factor cancels in CKA. */
function scaledUnbiasedHSIC(a: KernelStats, b: KernelStats, inner: number): number {
  const n = a.n;
  return inner - (n / (n - 2)) * frobeniusInner(a.diag, b.diag) + (a.trace * b.trace) / ((n - 1) * (n - 2));
}

function biasedCKA(a: KernelStats, b: KernelStats): number {
  return innerProduct(a, b) / Math.sqrt(a.selfInner * b.selfInner);
}

function debiasedSelf(a: KernelStats, fn: string, name: string): number {
  const self = scaledUnbiasedHSIC(a, a, a.selfInner);
  if (!(self > 0)) {
    throw new AnalysisError(fn, `${name}: the unbiased HSIC of the representation with itself is ${self}, so debiased CKA is undefined`);
  }
  return self;
}

function pairInputs(x: MatrixLike, y: MatrixLike, fn: string, minSamples: number): [Matrix, Matrix] {
  const X = toMatrix(x, fn, 'x');
  const Y = toMatrix(y, fn, 'y');
  if (X.rows !== Y.rows) {
    throw new AnalysisError(fn, `x and y must hold the same samples: x has ${X.rows} rows, y has ${Y.rows}`);
  }
  if (X.rows < minSamples) throw new AnalysisError(fn, `needs at least ${minSamples} samples, got ${X.rows}`);
  return [X, Y];
}

/** True when the feature-space form is cheaper: n·(dx+dy)²/2 multiply-adds vs n²·(dx+dy)/2 + n². */
function featureFormIsCheaper(n: number, dims: readonly number[], pairs: number): boolean {
  const selfFeature = dims.reduce((s, d) => s + (n * d * d) / 2, 0);
  const meanD = dims.reduce((s, d) => s + d, 0) / dims.length;
  const feature = selfFeature + pairs * n * meanD * meanD;
  const gramCost = dims.reduce((s, d) => s + (n * n * d) / 2, 0) + pairs * n * n;
  return feature < gramCost;
}

function linearStats(xc: Matrix, useFeatures: boolean): KernelStats {
  return useFeatures ? linearFeatureStats(xc) : linearGramStats(xc);
}

/**
 * Linear CKA (Kornblith et al., 2019), in [0, 1]. Uses the feature-space form
 * ‖YcᵀXc‖²_F/(‖XcᵀXc‖_F‖YcᵀYc‖_F) or the Gram form, whichever costs fewer operations
 * (the Gram form when samples < features). Throws for constant features, mismatched sample
 * counts, n < 2, and non-finite values.
 */
export function linearCKA(x: MatrixLike, y: MatrixLike): number {
  const fn = 'linearCKA';
  const [X, Y] = pairInputs(x, y, fn, 2);
  const xc = centredFeatures(X, fn, 'x');
  const yc = centredFeatures(Y, fn, 'y');
  const features = featureFormIsCheaper(X.rows, [X.cols, Y.cols], 1);
  return biasedCKA(linearStats(xc, features), linearStats(yc, features));
}

/**
 * Debiased linear CKA: CKA on the unbiased HSIC estimator HSIC₁ (Kornblith's `debiased=True`,
 * Nguyen et al. 2021). Can be slightly negative for unrelated representations. Needs n ≥ 4.
 */
export function debiasedCKA(x: MatrixLike, y: MatrixLike): number {
  const fn = 'debiasedCKA';
  const [X, Y] = pairInputs(x, y, fn, 4);
  const xc = centredFeatures(X, fn, 'x');
  const yc = centredFeatures(Y, fn, 'y');
  const features = featureFormIsCheaper(X.rows, [X.cols, Y.cols], 1);
  const a = linearStats(xc, features);
  const b = linearStats(yc, features);
  return scaledUnbiasedHSIC(a, b, innerProduct(a, b)) / Math.sqrt(debiasedSelf(a, fn, 'x') * debiasedSelf(b, fn, 'y'));
}

/**
 * RBF CKA with the paper's median bandwidth: σ = threshold × the median of the off-diagonal
 * pairwise distances (i < j), K_ij = exp(−‖x_i − x_j‖²/(2σ²)), biased HSIC on double-centred
 * Gaussian Grams. Distances come from the centred Gram; the released code derives them from
 * uncentred dot products, which differs only by rounding.
 */
export function rbfCKA(x: MatrixLike, y: MatrixLike, options: RBFOptions = {}): number {
  const fn = 'rbfCKA';
  const threshold = checkThreshold(options.threshold ?? 1, fn);
  const [X, Y] = pairInputs(x, y, fn, 2);
  const a = rbfStats(X, threshold, fn, 'x');
  const b = rbfStats(Y, threshold, fn, 'y');
  return biasedCKA(a, b);
}

function checkThreshold(threshold: number, fn: string): number {
  if (!(threshold > 0) || !Number.isFinite(threshold)) throw new AnalysisError(fn, `threshold must be a positive number, got ${threshold}`);
  return threshold;
}

function rbfStats(x: Matrix, threshold: number, fn: string, name: string): KernelStats {
  const xc = centredFeatures(x, fn, name);
  return rbfStatsFromLinearGram(gram(xc).data, x.rows, threshold, fn, name);
}

/**
 * Nguyen et al.'s minibatch CKA: HSIC₁ (linear kernel) summed over minibatches,
 *   CKA = Σ_b HSIC₁(Kx_b, Ky_b) / √(Σ_b HSIC₁(Kx_b, Kx_b) · Σ_b HSIC₁(Ky_b, Ky_b)).
 * Batches may differ in size; each needs n ≥ 4. One batch gives exactly `debiasedCKA`.
 * Use `MinibatchCKA` to accumulate batches as they are produced.
 */
export function minibatchCKA(pairs: Iterable<readonly [MatrixLike, MatrixLike]>): number {
  const acc = new MinibatchCKA();
  for (const [x, y] of pairs) acc.add(x, y);
  return acc.value();
}

/** Streaming accumulator for `minibatchCKA`: `add(x, y)` per minibatch, then `value()`. */
export class MinibatchCKA {
  private xy = 0;
  private xx = 0;
  private yy = 0;
  private batches = 0;

  /** Adds one minibatch: x [n, dx] and y [n, dy] for the same n ≥ 4 samples. */
  add(x: MatrixLike, y: MatrixLike): void {
    const fn = 'minibatchCKA';
    const [X, Y] = pairInputs(x, y, fn, 4);
    // Centring leaves HSIC₁ unchanged and makes the reduced formula valid; a constant batch
    // contributes 0, which is legitimate for one batch among many.
    const xc = centerColumns(X);
    const yc = centerColumns(Y);
    const features = featureFormIsCheaper(X.rows, [X.cols, Y.cols], 1);
    const a = linearStats(xc, features);
    const b = linearStats(yc, features);
    const n = X.rows;
    const norm = 1 / (n * (n - 3));
    this.xy += scaledUnbiasedHSIC(a, b, innerProduct(a, b)) * norm;
    this.xx += scaledUnbiasedHSIC(a, a, a.selfInner) * norm;
    this.yy += scaledUnbiasedHSIC(b, b, b.selfInner) * norm;
    this.batches++;
  }

  /** Number of minibatches added so far. */
  get count(): number {
    return this.batches;
  }

  value(): number {
    const fn = 'minibatchCKA';
    if (this.batches === 0) throw new AnalysisError(fn, 'no minibatches were given');
    if (!(this.xx > 0)) throw new AnalysisError(fn, `x: accumulated unbiased HSIC(x, x) is ${this.xx} (constant features?), so CKA is undefined`);
    if (!(this.yy > 0)) throw new AnalysisError(fn, `y: accumulated unbiased HSIC(y, y) is ${this.yy} (constant features?), so CKA is undefined`);
    return this.xy / Math.sqrt(this.xx * this.yy);
  }
}

export interface CKAMatrixOptions extends RBFOptions {
  /** Which CKA variants to compute; default all three. */
  readonly kinds?: readonly CKAKind[];
}

/** A square (or, for `ckaCrossMatrices`, rectangular) CKA matrix: values[i][j] = CKA(a_i, b_j). */
export interface CKAMatrixResult {
  readonly kind: CKAKind;
  readonly values: number[][];
}

/**
 * The B×B CKA matrix of representations `features[0..B-1]` of the same samples
 * (e.g. every block's pooled features). Each representation's Gram (or centred features) is
 * computed once and reused across all pairs.
 */
export function ckaMatrix(features: readonly MatrixLike[], kind: CKAKind = 'linear', options: RBFOptions = {}): number[][] {
  const result = ckaMatrices(features, { ...options, kinds: [kind] })[0];
  if (!result) throw new AnalysisError('ckaMatrix', 'internal: no result');
  return result.values;
}

/** Several CKA variants of the same representations at once, sharing one Gram per representation. */
export function ckaMatrices(features: readonly MatrixLike[], options: CKAMatrixOptions = {}): CKAMatrixResult[] {
  return crossMatrices('ckaMatrix', features, null, options);
}

/**
 * CKA between every representation of one set and every one of another over the same samples,
 * values[i][j] = CKA(a_i, b_j) — e.g. a blockwise run's blocks against its matched E2E run's.
 */
export function ckaCrossMatrices(
  a: readonly MatrixLike[],
  b: readonly MatrixLike[],
  options: CKAMatrixOptions = {},
): CKAMatrixResult[] {
  return crossMatrices('ckaCrossMatrices', a, b, options);
}

function crossMatrices(
  fn: string,
  a: readonly MatrixLike[],
  b: readonly MatrixLike[] | null,
  options: CKAMatrixOptions,
): CKAMatrixResult[] {
  const kinds = options.kinds ?? ['linear', 'debiased', 'rbf'];
  const threshold = checkThreshold(options.threshold ?? 1, fn);
  if (a.length === 0 || (b && b.length === 0)) throw new AnalysisError(fn, 'needs at least one representation on each side');
  const A = a.map((x, i) => toMatrix(x, fn, `features[${i}]`));
  const B = b ? b.map((x, i) => toMatrix(x, fn, `other[${i}]`)) : A;
  const n = (A[0] as Matrix).rows;
  for (const [i, m] of [...A, ...(b ? B : [])].entries()) {
    if (m.rows !== n) throw new AnalysisError(fn, `all representations must hold the same samples: #${i} has ${m.rows} rows, #0 has ${n}`);
  }
  const minSamples = kinds.includes('debiased') ? 4 : 2;
  if (n < minSamples) throw new AnalysisError(fn, `needs at least ${minSamples} samples, got ${n}`);

  const needRbf = kinds.includes('rbf');
  const all = b ? [...A, ...B] : A;
  const pairs = b ? A.length * B.length : (A.length * (A.length + 1)) / 2;
  const useFeatures = !needRbf && featureFormIsCheaper(n, all.map((m) => m.cols), pairs);
  const prepare = (m: Matrix, name: string): RepresentationStats => {
    const xc = centredFeatures(m, fn, name);
    const linear = linearStats(xc, useFeatures);
    if (!needRbf) return { linear };
    const rbf = rbfStatsFromLinearGram(linear.gram as Float64Array, n, threshold, fn, name);
    return { linear, rbf };
  };
  const statsA = A.map((m, i) => prepare(m, `features[${i}]`));
  const statsB = b ? B.map((m, i) => prepare(m, `other[${i}]`)) : null;
  return pairMatrices(fn, kinds, statsA, statsB);
}

export interface RepresentationStats {
  readonly linear: KernelStats;
  readonly rbf?: KernelStats;
}

/** Every requested CKA variant between all pairs (the upper triangle mirrored when `statsB` is null). */
function pairMatrices(
  fn: string,
  kinds: readonly CKAKind[],
  statsA: readonly RepresentationStats[],
  statsB: readonly RepresentationStats[] | null,
): CKAMatrixResult[] {
  const other = statsB ?? statsA;
  return kinds.map((kind) => {
    const values: number[][] = statsA.map(() => new Array<number>(other.length).fill(0));
    const selfA = kind === 'debiased' ? statsA.map((s, i) => debiasedSelf(s.linear, fn, `features[${i}]`)) : [];
    const selfB = kind === 'debiased' ? (statsB ? statsB.map((s, i) => debiasedSelf(s.linear, fn, `other[${i}]`)) : selfA) : [];
    for (let i = 0; i < statsA.length; i++) {
      for (let j = statsB ? 0 : i; j < other.length; j++) {
        const sa = statsA[i] as RepresentationStats;
        const sb = other[j] as RepresentationStats;
        let v: number;
        if (kind === 'linear') v = biasedCKA(sa.linear, sb.linear);
        else if (kind === 'rbf') v = biasedCKA(sa.rbf as KernelStats, sb.rbf as KernelStats);
        else v = scaledUnbiasedHSIC(sa.linear, sb.linear, innerProduct(sa.linear, sb.linear)) / Math.sqrt((selfA[i] as number) * (selfB[j] as number));
        (values[i] as number[])[j] = v;
        if (!statsB) (values[j] as number[])[i] = v;
      }
    }
    return { kind, values };
  });
}

/**
 * CKA matrices from precomputed centred linear Grams Xc·Xcᵀ [n, n] (one per representation),
 * for callers that already hold them (the evaluation suite also derives distances from them).
 * Throws, like `ckaMatrices`, for a zero Gram (constant features).
 */
/**
 * Per-representation kernel statistics already computed, by centred Gram: a caller that passes
 * the same Gram to several `ckaMatricesFromCentredGrams` calls (with the same kinds and
 * threshold) computes its statistics, the RBF kernel included, once.
 */
export type CKAStatsCache = WeakMap<Float64Array, RepresentationStats>;

export function ckaMatricesFromCentredGrams(
  grams: readonly Float64Array[],
  n: number,
  options: CKAMatrixOptions = {},
  cache: CKAStatsCache = new WeakMap(),
): CKAMatrixResult[] {
  const fn = 'ckaMatrices';
  const kinds = options.kinds ?? ['linear', 'debiased', 'rbf'];
  const threshold = checkThreshold(options.threshold ?? 1, fn);
  const minSamples = kinds.includes('debiased') ? 4 : 2;
  if (n < minSamples) throw new AnalysisError(fn, `needs at least ${minSamples} samples, got ${n}`);
  const stats = grams.map((k, i): RepresentationStats => {
    const known = cache.get(k);
    if (known) return known;
    if (k.length !== n * n) throw new AnalysisError(fn, `Gram ${i} has ${k.length} values, expected ${n * n}`);
    const linear = statsOfCentredGram(k, n);
    if (!(linear.selfInner > 0)) throw new AnalysisError(fn, `features[${i}] is constant across samples (every feature has zero variance), so CKA is undefined`);
    const computed = kinds.includes('rbf') ? { linear, rbf: rbfStatsFromLinearGram(k, n, threshold, fn, `features[${i}]`) } : { linear };
    cache.set(k, computed);
    return computed;
  });
  return pairMatrices(fn, kinds, stats, null);
}
