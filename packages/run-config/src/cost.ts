/**
 * Analytic model size and cost, for the benchmark and for run records. No tfjs here.
 *
 * FLOPs count matrix products only (2 per multiply-add): linear layers and the two attention
 * products; norms, softmax and GELU are ignored, as is usual. A trained component costs forward
 * + backward ≈ 3× forward; a frozen one (earlier blocks in a sequential stage) 1× forward.
 */
import type { ModelConfig } from './presets.js';

export interface TokenCounts {
  /** Tokens per clip: (T/t)(H/h)(W/w). */
  tokens: number;
  /** Spatial positions per time slice. */
  spatial: number;
  /** Visible tokens per clip after tube masking (exact). */
  visible: number;
  /** Masked tokens per clip. */
  masked: number;
  /** Values per tubelet: t·h·w·C. */
  patchDim: number;
}

/** Tube masking as VideoMAE: floor(ratio · spatial) positions masked in every time slice. */
export function tokenCounts(m: ModelConfig): TokenCounts {
  const [tt, th, tw] = m.tubelet;
  const slices = Math.floor(m.frames / tt);
  const spatial = Math.floor(m.height / th) * Math.floor(m.width / tw);
  const maskedPerSlice = Math.floor(m.maskRatio * spatial);
  const tokens = slices * spatial;
  const masked = slices * maskedPerSlice;
  return { tokens, spatial, visible: tokens - masked, masked, patchDim: tt * th * tw * m.channels };
}

function layerParams(d: number, ratio: number): number {
  // LN1 + qkv (q,v bias) + proj + LN2 + fc1 + fc2
  return 2 * d + (3 * d * d + 2 * d) + (d * d + d) + 2 * d + (d * ratio * d + ratio * d) + (ratio * d * d + d);
}

export interface ParameterCount {
  encoder: number;
  /** One decoder (encoder→decoder projection, mask token, layers, norm, head). */
  decoder: number;
  decoders: number;
  total: number;
}

export function parameterCount(config: { model: ModelConfig; regime: string; blocks: number }): ParameterCount {
  const m = config.model;
  const { patchDim } = tokenCounts(m);
  const encoder = patchDim * m.embedDim + m.embedDim + m.depth * layerParams(m.embedDim, m.mlpRatio) + 2 * m.embedDim;
  const decoder =
    m.embedDim * m.decoderDim +
    m.decoderDim +
    m.decoderDepth * layerParams(m.decoderDim, m.mlpRatio) +
    2 * m.decoderDim +
    m.decoderDim * patchDim +
    patchDim;
  const decoders = config.regime === 'e2e' ? 1 : config.blocks;
  return { encoder, decoder, decoders, total: encoder + decoders * decoder };
}

/** Forward FLOPs of one transformer layer over n tokens of width d. */
function layerFlops(n: number, d: number, ratio: number): number {
  return 2 * n * (4 * d * d + 2 * ratio * d * d) + 4 * n * n * d;
}

/** Forward FLOPs per clip: embedding, each encoder layer, one decoder. */
function forwardParts(m: ModelConfig): { embed: number; layer: number; decoder: number } {
  const { tokens, visible, masked, patchDim } = tokenCounts(m);
  return {
    embed: 2 * visible * patchDim * m.embedDim,
    layer: layerFlops(visible, m.embedDim, m.mlpRatio),
    decoder:
      2 * visible * m.embedDim * m.decoderDim +
      m.decoderDepth * layerFlops(tokens, m.decoderDim, m.mlpRatio) +
      2 * masked * m.decoderDim * patchDim,
  };
}

/**
 * Analytic FLOPs of one optimisation step (a batch of `batchSize` clips), averaged over the
 * run: E2E and simultaneous train everything every step; sequential stage k runs blocks < k
 * forward only and trains block k with decoder k.
 */
export function flopsPerStep(config: { model: ModelConfig; regime: string; blocks: number; batchSize: number }): number {
  const m = config.model;
  const { embed, layer, decoder } = forwardParts(m);
  const K = config.blocks;
  const perBlock = m.depth / K;
  let perClip: number;
  if (config.regime === 'e2e') perClip = 3 * (embed + m.depth * layer + decoder);
  else if (config.regime === 'simultaneous') perClip = 3 * (embed + m.depth * layer + K * decoder);
  else {
    let total = 0;
    for (let k = 1; k <= K; k++) {
      const frozen = (k - 1) * perBlock * layer + (k > 1 ? embed : 0);
      const trained = perBlock * layer + decoder + (k === 1 ? embed : 0);
      total += frozen + 3 * trained;
    }
    perClip = total / K;
  }
  return perClip * config.batchSize;
}
