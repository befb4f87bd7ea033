/**
 * Patch-level diagnostics over the tokens of a clip: over-smoothing (mean pairwise cosine of
 * standardised tokens), token-norm statistics, and OccDrop.
 *
 * Token tensors are [clips, tokens, dim] (`TokenBatch`, row-major, e.g. straight from tfjs) or a
 * list of per-clip [tokens, dim] matrices.
 */
import { AnalysisError } from './errors.js';
import { type MatrixLike, assertFinite, toMatrix } from './matrix.js';
import { describe, type NormStatistics } from './geometry.js';

/** A dense [clips, tokens, dim] tensor, row-major. */
export interface TokenBatch {
  readonly clips: number;
  readonly tokens: number;
  readonly dim: number;
  readonly data: Float64Array | Float32Array;
}

export type TokensLike = TokenBatch | readonly MatrixLike[];

/** LayerNorm's epsilon in the encoder (VideoMAE uses 1e-6). */
export const TOKEN_STANDARDISE_EPS = 1e-6;

function isBatch(t: TokensLike): t is TokenBatch {
  return !Array.isArray(t);
}

/** Validated access to a token tensor: shape, and every clip's [tokens, dim] block. */
export interface TokenView {
  readonly clips: number;
  readonly tokens: number;
  readonly dim: number;
  clip(c: number): ArrayLike<number>;
  /** All tokens of all clips as one row-major [clips·tokens, dim] array. */
  all(): ArrayLike<number>;
}

/** Validates shape and values once; the result can feed several diagnostics. */
export function tokenView(input: TokensLike, fn: string): TokenView {
  if (isBatch(input)) {
    const { clips, tokens, dim, data } = input;
    if (data.length !== clips * tokens * dim) {
      throw new AnalysisError(fn, `tokens has ${data.length} values but shape [${clips}, ${tokens}, ${dim}]`);
    }
    if (clips === 0 || tokens === 0 || dim === 0) throw new AnalysisError(fn, `tokens is empty (shape [${clips}, ${tokens}, ${dim}])`);
    assertFinite(data, dim, fn, 'tokens');
    return { clips, tokens, dim, clip: (c) => data.subarray(c * tokens * dim, (c + 1) * tokens * dim), all: () => data };
  }
  const list = input as readonly MatrixLike[];
  if (list.length === 0) throw new AnalysisError(fn, 'no clips');
  const mats = list.map((m, c) => toMatrix(m, fn, `tokens[${c}]`));
  const first = mats[0] as { rows: number; cols: number };
  mats.forEach((m, c) => {
    if (m.rows !== first.rows || m.cols !== first.cols) {
      throw new AnalysisError(fn, `clip ${c} has shape [${m.rows}, ${m.cols}], clip 0 has [${first.rows}, ${first.cols}]`);
    }
  });
  const block = first.rows * first.cols;
  return {
    clips: mats.length,
    tokens: first.rows,
    dim: first.cols,
    clip: (c) => (mats[c] as { data: Float64Array }).data,
    all: () => {
      const data = new Float64Array(mats.length * block);
      mats.forEach((m, c) => data.set(m.data, c * block));
      return data;
    },
  };
}

/**
 * Mean cosine similarity over all ordered pairs i ≠ j of one clip's tokens after standardising
 * each token over its features (LayerNorm without affine: (t − mean(t)) / √(var(t) + ε),
 * population variance, ε = 1e-6) and L2-normalising. ε only rescales a token, which the
 * L2-normalisation undoes, so the value is the mean pairwise cosine of the mean-centred tokens.
 * With unit vectors v_i: Σ_{i≠j} v_i·v_j = ‖Σ v_i‖² − N, so this costs O(N·D).
 */
export function meanTokenCosine(tokens: MatrixLike): number {
  const fn = 'meanTokenCosine';
  const m = toMatrix(tokens, fn, 'tokens');
  return clipCosine(m.data, m.rows, m.cols, fn, 0);
}

function clipCosine(data: ArrayLike<number>, N: number, D: number, fn: string, clip: number): number {
  if (N < 2) throw new AnalysisError(fn, `needs at least 2 tokens per clip, got ${N}`);
  const sum = new Float64Array(D);
  const v = new Float64Array(D);
  for (let i = 0; i < N; i++) {
    const o = i * D;
    let mu = 0;
    for (let j = 0; j < D; j++) mu += data[o + j] as number;
    mu /= D;
    let variance = 0;
    for (let j = 0; j < D; j++) {
      const dev = (data[o + j] as number) - mu;
      variance += dev * dev;
    }
    variance /= D;
    const inv = 1 / Math.sqrt(variance + TOKEN_STANDARDISE_EPS);
    let norm = 0;
    for (let j = 0; j < D; j++) {
      const u = ((data[o + j] as number) - mu) * inv;
      v[j] = u;
      norm += u * u;
    }
    // A constant token standardises to the zero vector, which has no direction.
    if (!(variance > 0) || !(norm > 0)) {
      throw new AnalysisError(fn, `token ${i} of clip ${clip} is constant across features, so its cosine similarity is undefined`);
    }
    const scale = 1 / Math.sqrt(norm);
    for (let j = 0; j < D; j++) sum[j] = (sum[j] as number) + (v[j] as number) * scale;
  }
  let total = 0;
  for (let j = 0; j < D; j++) total += (sum[j] as number) ** 2;
  return (total - N) / (N * (N - 1));
}

export interface TokenCosineResult {
  /** Mean over clips of each clip's mean token cosine. */
  readonly mean: number;
  readonly perClip: Float64Array;
}

/** `meanTokenCosine` of every clip, and their mean. */
export function meanTokenCosineBatch(tokens: TokensLike): TokenCosineResult {
  return tokenCosineOf(tokenView(tokens, 'meanTokenCosineBatch'), 'meanTokenCosineBatch');
}

export function tokenCosineOf(view: TokenView, fn: string): TokenCosineResult {
  const { clips, tokens: N, dim, clip } = view;
  const perClip = new Float64Array(clips);
  for (let c = 0; c < clips; c++) perClip[c] = clipCosine(clip(c), N, dim, fn, c);
  let s = 0;
  for (const v of perClip) s += v;
  return { mean: s / clips, perClip };
}

/** Mean, std (ddof = 0), min and max of the L2 norms of all tokens of all clips. */
export function tokenNormStatistics(tokens: TokensLike): NormStatistics {
  return tokenNormsOf(tokenView(tokens, 'tokenNormStatistics'));
}

export function tokenNormsOf(view: TokenView): NormStatistics {
  const { clips, tokens: N, dim, clip } = view;
  const norms = new Float64Array(clips * N);
  for (let c = 0; c < clips; c++) {
    const data = clip(c);
    for (let i = 0; i < N; i++) {
      let s = 0;
      for (let j = 0; j < dim; j++) {
        const v = data[i * dim + j] as number;
        s += v * v;
      }
      norms[c * N + i] = Math.sqrt(s);
    }
  }
  return describe(norms);
}

/**
 * OccDrop = (Acc_full − Acc_occluded) / Acc_full: the relative accuracy lost when only one patch
 * (the same in every frame) is kept and the rest zeroed. Accuracies in [0, 1]; Acc_full > 0.
 */
export function occlusionDrop(accFull: number, accOccluded: number): number {
  const fn = 'occlusionDrop';
  for (const [name, v] of [
    ['accFull', accFull],
    ['accOccluded', accOccluded],
  ] as const) {
    if (!Number.isFinite(v) || v < 0 || v > 1) throw new AnalysisError(fn, `${name} must be an accuracy in [0, 1], got ${v}`);
  }
  if (accFull === 0) throw new AnalysisError(fn, 'accFull is 0, so the relative drop is undefined');
  return (accFull - accOccluded) / accFull;
}
