/**
 * Feature extraction for the analysis suite: masking off (every token visible), the features
 * at every block boundary h_k (and optionally after every layer), mean-pooled over tokens and
 * per token. The final LayerNorm belongs to block K, so the deepest layer's features are
 * reported after it and equal block K's.
 *
 * Also `reconstructionError`: each decoder's masked-reconstruction MSE per token position.
 */
import * as tf from '@tensorflow/tfjs';
import { ensureBackend, selectBackend } from './backend.js';
import type { BackendChoice } from '@stratum/run-config';
import { VideoMae } from './model/mae.js';
import { sampleTubeMask } from './model/masking.js';
import { Prng } from '@stratum/stats';
import { modelFromCheckpoint } from './train/state.js';

/** Clips [N, T, H, W, C] row-major (a @stratum/datasets ClipBatch fits). */
export interface ClipsInput {
  clips: Float32Array;
  shape: [number, number, number, number, number];
}

export interface FeatureSet {
  /** 1-based block whose output this is (for layer features: the block holding the layer). */
  block: number;
  /** 1-based layer for per-layer features; null for block-boundary features. */
  layer: number | null;
  /** Mean over tokens: [N, D]. */
  pooled: Float32Array;
  pooledShape: [number, number];
  /** Per token, (t, h, w) order: [tokenClips, tokens, D] (the first `tokenClips` clips); empty when `tokens: false`. */
  tokens: Float32Array;
  tokenShape: [number, number, number];
}

/** Attention probabilities of one layer, averaged over the clips (row-major, query rows sum to 1). */
export interface AttentionMap {
  /** 1-based block holding the layer. */
  block: number;
  /** 1-based layer. */
  layer: number;
  /** True for the block's last layer (the block boundary's attention). */
  blockEnd: boolean;
  heads: number;
  tokens: number;
  /** Mean over clips: [heads, tokens, tokens]. */
  data: Float32Array;
}

export interface Embeddings {
  blocks: FeatureSet[];
  layers?: FeatureSet[];
  /** With `attention`: each block's last layer, or every layer with `layers`, in layer order. */
  attention?: AttentionMap[];
  /** Token grid (T/t, H/h, W/w). */
  grid: [number, number, number];
}

export interface EmbedOptions {
  /** Also return every layer's features. */
  layers?: boolean;
  /** Keep per-token features (default true; they are tokens× larger than pooled ones). */
  tokens?: boolean;
  /**
   * With `tokens`: keep them for the first `tokenClips` clips only (default: every clip), taken
   * in the same forward pass as the pooled features of all clips.
   */
  tokenClips?: number;
  /**
   * Also return attention probabilities averaged over the clips (mean attention distance is
   * linear in them, so the clip-mean map gives the clip-mean distance).
   */
  attention?: boolean;
  /**
   * K whose block boundaries to report (default: the model's K; must divide the depth). An E2E
   * model's boundaries are not fixed by training (one decoder on the last layer), so it can be
   * read at the boundaries of any K: block k of K is the output of layer k·depth/K, block K the
   * output after the final LayerNorm.
   */
  partition?: number;
  /** Clips per forward pass (default 32). */
  batchSize?: number;
  /** Backend to select first (default: the one selected last, or auto). */
  backend?: BackendChoice;
}

type Source = Uint8Array | VideoMae;

async function withModel<T>(source: Source, backend: BackendChoice | undefined, fn: (m: VideoMae) => Promise<T>): Promise<T> {
  if (backend) await selectBackend(backend);
  else await ensureBackend();
  if (source instanceof VideoMae) return fn(source);
  const { model } = modelFromCheckpoint(source);
  try {
    return await fn(model);
  } finally {
    model.dispose();
  }
}

function checkClips(model: VideoMae, input: ClipsInput): number {
  const m = model.config;
  const [N, T, H, W, C] = input.shape;
  if (T !== m.frames || H !== m.height || W !== m.width || C !== m.channels) {
    throw new Error(`clips are ${T}×${H}×${W}×${C} but the model expects ${m.frames}×${m.height}×${m.width}×${m.channels}`);
  }
  if (input.clips.length !== N * T * H * W * C) throw new Error(`clips hold ${input.clips.length} values, shape [${input.shape}] needs ${N * T * H * W * C}`);
  return N;
}

/** Features at every block boundary (and layer) for `clips`, from a checkpoint or a model. */
export async function embed(source: Source, input: ClipsInput, opts: EmbedOptions = {}): Promise<Embeddings> {
  return withModel(source, opts.backend, async (model) => {
    const N = checkClips(model, input);
    const { tokens: T, gt, gh, gw } = model.grid;
    const D = model.config.embedDim;
    const keepTokens = opts.tokens !== false;
    if (opts.tokenClips !== undefined && !(Number.isInteger(opts.tokenClips) && opts.tokenClips >= 0)) {
      throw new Error(`tokenClips must be a non-negative integer, got ${opts.tokenClips}`);
    }
    const tokenClips = keepTokens ? Math.min(N, opts.tokenClips ?? N) : 0;
    const K = model.blocks, L = model.config.depth;
    const P = opts.partition ?? K;
    if (!Number.isInteger(P) || P < 1 || L % P !== 0) throw new Error(`partition must be a K that divides the encoder depth ${L}, got ${P}`);
    const per = L / P; // layers per reported block
    const make = (block: number, layer: number | null): FeatureSet => ({
      block, layer,
      pooled: new Float32Array(N * D), pooledShape: [N, D],
      tokens: new Float32Array(tokenClips * T * D), tokenShape: [tokenClips, T, D],
    });
    const blocks = Array.from({ length: P }, (_, k) => make(k + 1, null));
    const layers = opts.layers ? Array.from({ length: L }, (_, l) => make(Math.floor(l / per) + 1, l + 1)) : undefined;
    const H = model.config.heads;
    const attentionLayers = opts.attention ? Array.from({ length: L }, (_, l) => l).filter((l) => layers || (l + 1) % per === 0) : [];
    const sums = new Map(attentionLayers.map((l) => [l, new Float64Array(H * T * T)]));
    const bs = opts.batchSize ?? 32;
    const clipSize = input.clips.length / N;
    for (let start = 0; start < N; start += bs) {
      const B = Math.min(bs, N - start);
      // reads are asynchronous (GPU backends cannot read synchronously): keep, then read
      const reads: { into: Float32Array; at: number; t: tf.Tensor }[] = [];
      tf.tidy(() => {
        let layerInput: tf.Tensor2D;
        const attend = (l: number) => {
          const sum = sums.get(l);
          if (!sum) return;
          const probs = tf.sum(tf.reshape(model.layerAttention(l, layerInput, seq), [B, H * T * T]), 0).dataSync(); // Σ over clips
          for (let i = 0; i < probs.length; i++) sum[i]! += probs[i]!;
        };
        const clips = tf.tensor5d(input.clips.subarray(start * clipSize, (start + B) * clipSize), [B, ...input.shape.slice(1)] as [number, number, number, number, number]);
        const { seq, patches, pos } = model.fullInputs(clips);
        const tokenRows = Math.max(0, Math.min(B, tokenClips - start)) * T; // this batch's clips that keep tokens
        const write = (f: FeatureSet, x: tf.Tensor2D) => {
          reads.push({ into: f.pooled, at: start * D, t: tf.keep(tf.mean(tf.reshape(x, [B, T, D]), 1)) });
          if (tokenRows > 0) reads.push({ into: f.tokens, at: start * T * D, t: tf.keep(tokenRows === B * T ? x : tf.slice(x, [0, 0], [tokenRows, D])) });
        };
        let x = model.embedTokens(patches, pos);
        layerInput = x;
        for (let k = 0; k < K; k++) {
          x = model.encodeBlock(k, x, seq, (l, out) => {
            attend(l);
            layerInput = out;
            if (layers && l < L - 1) write(layers[l]!, out);
            if ((l + 1) % per === 0 && l < L - 1) write(blocks[(l + 1) / per - 1]!, out); // boundaries before the last
          });
        }
        write(blocks[P - 1]!, x); // after the final LayerNorm
        if (layers) write(layers[L - 1]!, x); // after the final LayerNorm, = block K
      });
      for (const r of reads) r.into.set(await r.t.data(), r.at);
      tf.dispose(reads.map((r) => r.t));
    }
    const attention = attentionLayers.map((l): AttentionMap => ({
      block: Math.floor(l / per) + 1,
      layer: l + 1,
      blockEnd: (l + 1) % per === 0,
      heads: H,
      tokens: T,
      data: Float32Array.from(sums.get(l)!, (v) => v / N),
    }));
    return { blocks, layers, grid: [gt, gh, gw], ...(opts.attention ? { attention } : {}) };
  });
}

export interface ReconstructionMap {
  /** 1-based block whose decoder this is; null for the E2E decoder (on block K). */
  block: number | null;
  /** Mean squared error per token position (t, h, w order) over the clips where it was masked; NaN if never masked. */
  error: Float32Array;
  /** How many times each position was masked. */
  count: Int32Array;
  /** Mean over all masked tokens (the training loss on these clips). */
  meanError: number;
  /** The trivial predictor's error on the same masks (masked patches predicted as their own mean). */
  trivialError: number;
  grid: [number, number, number];
}

/** Each decoder's reconstruction error per token position, with seeded tube masks. */
export async function reconstructionError(
  source: Source,
  input: ClipsInput,
  opts: { seed?: number; batchSize?: number; backend?: BackendChoice } = {},
): Promise<ReconstructionMap[]> {
  return withModel(source, opts.backend, async (model) => {
    const N = checkClips(model, input);
    const { tokens: T, gt, gh, gw } = model.grid;
    const rng = Prng.fromSeed(opts.seed ?? 0, 'eval-mask');
    const blockwise = model.groups > 1;
    const maps = model.decoders.map((_, d) => ({ sum: new Float64Array(T), count: new Int32Array(T), total: 0, n: 0, block: blockwise ? d + 1 : null }));
    const bs = opts.batchSize ?? 32;
    const clipSize = input.clips.length / N;
    let trivialSum = 0, trivialCount = 0;
    for (let start = 0; start < N; start += bs) {
      const B = Math.min(bs, N - start);
      const mask = sampleTubeMask(rng, B, model.grid, model.config.maskRatio);
      const perDecoder: { d: number; t: tf.Tensor }[] = [];
      let trivial: tf.Tensor | null = null;
      tf.tidy(() => {
        const inputs = model.maskedInputs(input.clips.subarray(start * clipSize, (start + B) * clipSize), mask);
        trivial = tf.keep(tf.sum(tf.mean(tf.square(inputs.targets), 1))); // Σ over masked tokens
        let x = model.embedTokens(inputs.visiblePatches, inputs.encoderPos);
        for (let k = 0; k < model.blocks; k++) {
          x = model.encodeBlock(k, x, inputs.seq);
          const d = blockwise ? k : k === model.blocks - 1 ? 0 : -1;
          if (d < 0) continue;
          perDecoder.push({ d, t: tf.keep(tf.mean(tf.square(tf.sub(model.decode(d, x, inputs), inputs.targets)), 1)) }); // [B·Nm]
        }
      });
      for (const { d, t } of perDecoder) {
        const perToken = await t.data();
        const acc = maps[d]!;
        perToken.forEach((e, i) => {
          const id = mask.masked[i]!;
          acc.sum[id]! += e;
          acc.count[id]! += 1;
          acc.total += e;
          acc.n += 1;
        });
      }
      tf.dispose(perDecoder.map((p) => p.t));
      trivialSum += (await trivial!.data())[0]!;
      trivialCount += mask.masked.length;
      trivial!.dispose();
    }
    return maps.map((m) => ({
      block: m.block,
      error: Float32Array.from(m.sum, (s, i) => (m.count[i]! > 0 ? s / m.count[i]! : Number.NaN)),
      count: m.count,
      meanError: m.total / m.n,
      trivialError: trivialSum / trivialCount,
      grid: [gt, gh, gw] as [number, number, number],
    }));
  });
}

