/**
 * Tubelet patchify/unpatchify with reshape + transpose (no conv3d: its filter gradient is
 * wrong on tfjs-wasm), and the reconstruction targets.
 *
 * Token order is (t, h, w) row-major over the grid (gt, gh, gw) = (T/t, H/h, W/w), as
 * VideoMAE's Conv3d output flattened; a patch vector is laid out (t, h, w, C) with C fastest.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '@stratum/run-config';

export interface Grid {
  gt: number;
  gh: number;
  gw: number;
  tokens: number;
  patchDim: number;
}

export function gridOf(m: ModelConfig): Grid {
  const [tt, th, tw] = m.tubelet;
  const gt = m.frames / tt, gh = m.height / th, gw = m.width / tw;
  return { gt, gh, gw, tokens: gt * gh * gw, patchDim: tt * th * tw * m.channels };
}

/** [B, T, H, W, C] → [B, N, P]. B·gt and tw·C are merged so the transpose stays 6-D. */
export function patchify(clips: tf.Tensor5D, m: ModelConfig): tf.Tensor3D {
  return tf.tidy(() => {
    const [B] = clips.shape;
    const [tt, th, tw] = m.tubelet;
    const { gt, gh, gw, tokens, patchDim } = gridOf(m);
    const x = tf.reshape(clips, [B * gt, tt, gh, th, gw, tw * m.channels]);
    const y = tf.transpose(x, [0, 2, 4, 1, 3, 5]); // [B·gt, gh, gw, tt, th, tw·C]
    return tf.reshape(y, [B, tokens, patchDim]);
  });
}

/** [B, N, P] → [B, T, H, W, C], the inverse of patchify. */
export function unpatchify(patches: tf.Tensor3D, m: ModelConfig): tf.Tensor5D {
  return tf.tidy(() => {
    const [B] = patches.shape;
    const [tt, th, tw] = m.tubelet;
    const { gt, gh, gw } = gridOf(m);
    const x = tf.reshape(patches, [B * gt, gh, gw, tt, th, tw * m.channels]);
    const y = tf.transpose(x, [0, 3, 1, 4, 2, 5]); // [B·gt, tt, gh, th, gw, tw·C]
    return tf.reshape(y, [B, m.frames, m.height, m.width, m.channels]);
  });
}

/**
 * VideoMAE's normalised-pixel target: each patch's values, per channel, minus their mean and
 * divided by their unbiased std + 1e-6. patches [R, P] with P = (t·h·w)·C → [R, P].
 */
export function normalisedTargets(patches: tf.Tensor2D, channels: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [R, P] = patches.shape;
    const n = P / channels;
    if (n < 2) throw new Error('per-patch normalisation needs at least two pixels per channel');
    const x = tf.reshape(patches, [R, n, channels]);
    const { mean, variance } = tf.moments(x, 1, true); // biased variance over the n pixels
    const std = tf.sqrt(tf.mul(variance, n / (n - 1))); // unbiased, as torch .var(unbiased=True)
    return tf.reshape(tf.div(tf.sub(x, mean), tf.add(std, 1e-6)), [R, P]);
  });
}
