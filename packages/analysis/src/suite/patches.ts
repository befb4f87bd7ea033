/**
 * The suite's patch diagnostics of one depth: token cosine, norms and spectrum (from its token
 * features), mean attention distance, OccDrop and the reconstruction error per position. Token
 * statistics are computed once per distinct token tensor (a block boundary's tokens are also a
 * layer's output) and reused.
 */
import { type AttentionDistance, type GridShape, meanAttentionDistance } from '../attention.js';
import { AnalysisError } from '../errors.js';
import { type NormStatistics, spectrumOfRows, summariseSpectrum } from '../geometry.js';
import { sameValues } from '../matrix.js';
import { std as stdOf } from '../stats.js';
import { type TokenView, tokenCosineOf, tokenNormsOf, tokenView } from '../tokens.js';
import type { DepthInput, PatchDiagnosticsResult } from './types.js';

interface TokenStatistics {
  tokenCosine: PatchDiagnosticsResult['tokenCosine'];
  tokenNorm: NormStatistics | null;
  tokenEffectiveRank: number | null;
  tokenParticipationRatio: number | null;
}

/** Token statistics already computed in this evaluation, by their tensor's values. */
export type TokenMemo = { shape: string; data: ArrayLike<number>; stats: TokenStatistics }[];

function tokenStatistics(view: TokenView, data: ArrayLike<number>, fn: string): TokenStatistics {
  const cos = tokenCosineOf(view, fn);
  const spectrum = summariseSpectrum(spectrumOfRows(data, view.clips * view.tokens, view.dim, true, fn), fn);
  return {
    tokenCosine: { mean: cos.mean, std: stdOf(cos.perClip), clips: cos.perClip.length },
    tokenNorm: tokenNormsOf(view),
    tokenEffectiveRank: spectrum.effectiveRank,
    tokenParticipationRatio: spectrum.participationRatio,
  };
}

/** Depth label as the report writes it. */
export function depthLabel(block: number, layer: number | null): string {
  return layer === null ? `B${block}` : `L${layer}`;
}

export function patchDiagnostics(
  d: DepthInput,
  block: number,
  layer: number | null,
  occlusion: PatchDiagnosticsResult['occlusion'],
  grid: GridShape | undefined,
  patchSize: GridShape | undefined,
  fn: string,
  tokenMemo: TokenMemo,
): PatchDiagnosticsResult | null {
  const hasOcclusion = occlusion !== null && Object.keys(occlusion).length > 0;
  if (!d.tokens && !d.attention && !d.reconstructionError && !hasOcclusion) return null;
  let tokenCosine: PatchDiagnosticsResult['tokenCosine'] = null;
  let tokenNorm: NormStatistics | null = null;
  let tokenEffectiveRank: number | null = null;
  let tokenParticipationRatio: number | null = null;
  if (d.tokens) {
    const view = tokenView(d.tokens, fn);
    const data = view.all();
    const shape = `${view.clips}x${view.tokens}x${view.dim}`;
    let stats = tokenMemo.find((m) => m.shape === shape && sameValues(m.data, data))?.stats;
    if (!stats) {
      stats = tokenStatistics(view, data, fn);
      tokenMemo.push({ shape, data, stats });
    }
    ({ tokenCosine, tokenNorm, tokenEffectiveRank, tokenParticipationRatio } = stats);
  }
  let attentionDistance: AttentionDistance | null = null;
  if (d.attention) {
    if (!grid || !patchSize) throw new AnalysisError(fn, 'attention distances need input.grid and input.patchSize');
    attentionDistance = meanAttentionDistance(d.attention, grid, patchSize);
  }
  let reconstructionError: PatchDiagnosticsResult['reconstructionError'] = null;
  if (d.reconstructionError) {
    const values = Array.from(d.reconstructionError);
    values.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new AnalysisError(fn, `reconstructionError[${i}] of ${depthLabel(block, layer)} is ${v}`);
    });
    if (grid && values.length !== grid.t * grid.h * grid.w) {
      throw new AnalysisError(fn, `reconstructionError has ${values.length} positions, the grid has ${grid.t * grid.h * grid.w}`);
    }
    reconstructionError = { grid: grid ?? null, values };
  }
  return {
    block,
    layer,
    tokenCosine,
    tokenNorm,
    tokenEffectiveRank,
    tokenParticipationRatio,
    attentionDistance,
    occlusion: hasOcclusion ? occlusion : null,
    reconstructionError,
  };
}
