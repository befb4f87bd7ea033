/**
 * A step's model inputs from a batch of clips and a tube mask: the visible tubelets the encoder
 * embeds, the normalised masked tubelets the decoders must reconstruct, and the position rows
 * of both. Everything here is constant with respect to the parameters.
 *
 * Two equivalent paths: tensor ops (patchify + gather of constants; used on native backends,
 * where they run on the device) and plain JS over the batch's Float32Array (used on wasm and
 * cpu, where tfjs's 6-D transpose and gather kernels cost more than the whole JS pass).
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '@stratum/run-config';
import type { SeqShape } from './layers.js';
import { flatRows, type TubeMask } from './masking.js';
import { normalisedTargets, patchify, type Grid } from './patchify.js';

export interface MaskedInputs {
  seq: SeqShape; // batch B, tokens Nv (the encoder's sequence)
  visiblePatches: tf.Tensor2D; // [B·Nv, P]
  encoderPos: tf.Tensor2D; // [B·Nv, D]
  decoderPosVisible: tf.Tensor2D; // [B·Nv, Dd]
  decoderPosMasked: tf.Tensor2D; // [B·Nm, Dd]
  targets: tf.Tensor2D; // [B·Nm, P] normalised pixels of the masked tubelets
  mask: TubeMask;
}

export interface PositionTables {
  encoder: Float32Array; // [N, D]
  decoder: Float32Array; // [N, Dd]
}

export function disposeInputs(inputs: MaskedInputs): void {
  tf.dispose([inputs.visiblePatches, inputs.encoderPos, inputs.decoderPosVisible, inputs.decoderPosMasked, inputs.targets]);
}

/** Tensor path: clips [B, T, H, W, C] → inputs via patchify and gathers of constants. */
export function maskedInputsTensor(clips: tf.Tensor5D, mask: TubeMask, m: ModelConfig, grid: Grid, tables: PositionTables): MaskedInputs {
  const B = clips.shape[0];
  const N = grid.tokens;
  const tensors = tf.tidy(() => {
    const patches = tf.reshape(patchify(clips, m), [B * N, grid.patchDim]); // [B·N, P]
    const enc = tf.tensor2d(tables.encoder, [N, m.embedDim]);
    const dec = tf.tensor2d(tables.decoder, [N, m.decoderDim]);
    const visIds = tf.tensor1d(mask.visible, 'int32');
    const maskedIds = tf.tensor1d(mask.masked, 'int32');
    return {
      visiblePatches: tf.gather(patches, tf.tensor1d(flatRows(mask.visible, B, N), 'int32')) as tf.Tensor2D,
      encoderPos: tf.gather(enc, visIds) as tf.Tensor2D,
      decoderPosVisible: tf.gather(dec, visIds) as tf.Tensor2D,
      decoderPosMasked: tf.gather(dec, maskedIds) as tf.Tensor2D,
      targets: normalisedTargets(tf.gather(patches, tf.tensor1d(flatRows(mask.masked, B, N), 'int32')) as tf.Tensor2D, m.channels),
    };
  });
  return { ...tensors, seq: { batch: B, tokens: mask.visiblePerClip }, mask };
}

/**
 * Copies the tubelets of tokens `ids` ([B, n] per-clip ids) out of clips [B, T, H, W, C] into
 * [B·n, P] rows laid out (t, h, w, C), as patchify; with `normalise`, each row is replaced by
 * its per-channel normalised values (mean, unbiased std + 1e-6).
 */
export function extractTubelets(clips: Float32Array, batch: number, m: ModelConfig, grid: Grid, ids: Int32Array, normalise: boolean): Float32Array {
  const [tt, th, tw] = m.tubelet;
  const C = m.channels, H = m.height, W = m.width, T = m.frames;
  const P = grid.patchDim, pixels = tt * th * tw;
  const per = ids.length / batch;
  const out = new Float32Array(ids.length * P);
  const mean = new Float64Array(C), sq = new Float64Array(C);
  for (let r = 0; r < ids.length; r++) {
    const b = Math.floor(r / per), id = ids[r]!;
    const gw = id % grid.gw, gh = Math.floor(id / grid.gw) % grid.gh, gt = Math.floor(id / (grid.gw * grid.gh));
    const row = r * P;
    let o = row;
    const span = tw * C;
    for (let dt = 0; dt < tt; dt++) {
      for (let dy = 0; dy < th; dy++) {
        const src = (((b * T + gt * tt + dt) * H + gh * th + dy) * W + gw * tw) * C;
        for (let k = 0; k < span; k++) out[o + k] = clips[src + k]!; // (a subarray per span costs more)
        o += span;
      }
    }
    if (!normalise) continue;
    mean.fill(0);
    sq.fill(0);
    for (let i = 0; i < P; i++) mean[i % C]! += out[row + i]!;
    for (let c = 0; c < C; c++) mean[c]! /= pixels;
    for (let i = 0; i < P; i++) sq[i % C]! += (out[row + i]! - mean[i % C]!) ** 2;
    for (let c = 0; c < C; c++) sq[c] = Math.sqrt(sq[c]! / (pixels - 1)) + 1e-6; // now the divisor
    for (let i = 0; i < P; i++) out[row + i] = (out[row + i]! - mean[i % C]!) / sq[i % C]!;
  }
  return out;
}

/** Rows `ids` of a [N, dim] table → [ids.length, dim]. */
export function tableRows(table: Float32Array, dim: number, ids: Int32Array): Float32Array {
  const out = new Float32Array(ids.length * dim);
  for (let r = 0; r < ids.length; r++) out.set(table.subarray(ids[r]! * dim, (ids[r]! + 1) * dim), r * dim);
  return out;
}

/** JS path: the same inputs built directly from the batch's Float32Array. */
export function maskedInputsJs(clips: Float32Array, mask: TubeMask, m: ModelConfig, grid: Grid, tables: PositionTables): MaskedInputs {
  const B = mask.batch;
  const Nv = mask.visible.length, Nm = mask.masked.length, P = grid.patchDim;
  return {
    seq: { batch: B, tokens: mask.visiblePerClip },
    visiblePatches: tf.tensor2d(extractTubelets(clips, B, m, grid, mask.visible, false), [Nv, P]),
    encoderPos: tf.tensor2d(tableRows(tables.encoder, m.embedDim, mask.visible), [Nv, m.embedDim]),
    decoderPosVisible: tf.tensor2d(tableRows(tables.decoder, m.decoderDim, mask.visible), [Nv, m.decoderDim]),
    decoderPosMasked: tf.tensor2d(tableRows(tables.decoder, m.decoderDim, mask.masked), [Nm, m.decoderDim]),
    targets: tf.tensor2d(extractTubelets(clips, B, m, grid, mask.masked, true), [Nm, P]),
    mask,
  };
}
