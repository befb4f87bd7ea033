/**
 * Mean attention distance (Dosovitskiy et al., 2021, ViT Fig. 7), split for video tokens into a
 * spatial part (pixels) and a temporal part (frames): for each head,
 *
 *   MAD_head = (1/N) Σ_i Σ_j a_ij · dist(i, j)
 *
 * over an attention matrix a [N, N] whose rows (queries) sum to 1, with dist the distance
 * between the centres of token i and token j. Tokens are laid out on a (t, h, w) grid flattened
 * with w fastest (VideoMAE's `(t h w)` order); the centre of token (t, h, w) is at frame
 * (t + ½)·patch.t and pixel ((h + ½)·patch.h, (w + ½)·patch.w):
 *   spatial  dist = √((Δh·patch.h)² + (Δw·patch.w)²)    temporal dist = |Δt|·patch.t
 * MAD is linear in a, so averaging attention maps over clips first gives the clip-averaged MAD.
 */
import { AnalysisError } from './errors.js';
import { type MatrixLike, assertFinite, toMatrix } from './matrix.js';

/** [heads, N, N] attention probabilities, row-major (query rows), e.g. from tfjs. */
export interface AttentionTensor {
  readonly heads: number;
  readonly tokens: number;
  readonly data: Float64Array | Float32Array;
}

export type AttentionLike = AttentionTensor | readonly MatrixLike[];

/** Token grid (t, h, w) or tubelet size (frames, pixels, pixels). */
export interface GridShape {
  readonly t: number;
  readonly h: number;
  readonly w: number;
}

export interface AttentionDistance {
  /** Mean over heads, pixels. */
  readonly spatial: number;
  /** Mean over heads, frames. */
  readonly temporal: number;
  readonly spatialPerHead: number[];
  readonly temporalPerHead: number[];
}

/** Rows must sum to 1 within this (float32 softmax outputs are accurate to ~1e-6). */
const ROW_SUM_TOLERANCE = 1e-3;

export function meanAttentionDistance(attention: AttentionLike, grid: GridShape, patchSize: GridShape): AttentionDistance {
  const fn = 'meanAttentionDistance';
  for (const [name, g] of [
    ['grid', grid],
    ['patchSize', patchSize],
  ] as const) {
    for (const axis of ['t', 'h', 'w'] as const) {
      if (!(g[axis] > 0) || !Number.isFinite(g[axis])) throw new AnalysisError(fn, `${name}.${axis} must be positive, got ${g[axis]}`);
    }
  }
  if (![grid.t, grid.h, grid.w].every(Number.isInteger)) throw new AnalysisError(fn, 'grid sizes must be integers');
  const N = grid.t * grid.h * grid.w;

  let heads: number;
  let head: (k: number) => ArrayLike<number>;
  if (!Array.isArray(attention)) {
    const a = attention as AttentionTensor;
    if (a.data.length !== a.heads * a.tokens * a.tokens) {
      throw new AnalysisError(fn, `attention has ${a.data.length} values but shape [${a.heads}, ${a.tokens}, ${a.tokens}]`);
    }
    if (a.tokens !== N) throw new AnalysisError(fn, `attention covers ${a.tokens} tokens but the ${grid.t}×${grid.h}×${grid.w} grid has ${N}`);
    assertFinite(a.data, N, fn, 'attention');
    heads = a.heads;
    head = (k) => a.data.subarray(k * N * N, (k + 1) * N * N);
  } else {
    const mats = (attention as readonly MatrixLike[]).map((m, k) => toMatrix(m, fn, `attention[${k}]`));
    mats.forEach((m, k) => {
      if (m.rows !== N || m.cols !== N) throw new AnalysisError(fn, `attention[${k}] is [${m.rows}, ${m.cols}], the grid has ${N} tokens`);
    });
    heads = mats.length;
    head = (k) => (mats[k] as { data: Float64Array }).data;
  }
  if (heads === 0) throw new AnalysisError(fn, 'no attention heads');

  // Coordinates of every token centre (the ½ offsets cancel in differences).
  const ct = new Float64Array(N);
  const ch = new Float64Array(N);
  const cw = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    ct[i] = Math.floor(i / (grid.h * grid.w)) * patchSize.t;
    ch[i] = (Math.floor(i / grid.w) % grid.h) * patchSize.h;
    cw[i] = (i % grid.w) * patchSize.w;
  }
  const spatialPerHead: number[] = [];
  const temporalPerHead: number[] = [];
  for (let k = 0; k < heads; k++) {
    const a = head(k);
    let spatial = 0;
    let temporal = 0;
    for (let i = 0; i < N; i++) {
      let rowSum = 0;
      for (let j = 0; j < N; j++) {
        const w = a[i * N + j] as number;
        if (w < 0) throw new AnalysisError(fn, `attention[${k}][${i}][${j}] = ${w} is negative; expected softmax probabilities`);
        rowSum += w;
        const dh = (ch[i] as number) - (ch[j] as number);
        const dw = (cw[i] as number) - (cw[j] as number);
        spatial += w * Math.sqrt(dh * dh + dw * dw);
        temporal += w * Math.abs((ct[i] as number) - (ct[j] as number));
      }
      if (Math.abs(rowSum - 1) > ROW_SUM_TOLERANCE) {
        throw new AnalysisError(fn, `attention[${k}] row ${i} sums to ${rowSum}, not 1; pass softmax probabilities`);
      }
    }
    spatialPerHead.push(spatial / N);
    temporalPerHead.push(temporal / N);
  }
  const avg = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
  return { spatial: avg(spatialPerHead), temporal: avg(temporalPerHead), spatialPerHead, temporalPerHead };
}
