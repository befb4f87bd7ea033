/**
 * The pre-norm transformer layer shared by encoder and decoder (VideoMAE's `Block` with
 * init_values=0 and no drop-path): x + Attn(LN(x)), then x + MLP(LN(x)). Attention has q and
 * v biases but no k bias (VideoMAE's qkv_bias=True), scale head_dim^-1/2; the MLP is
 * fc1 → GELU → fc2 with ratio 4.
 */
import * as tf from '@tensorflow/tfjs';
import { attention, gelu, layerNorm, linear } from '../kernels/ops.js';
import type { Prng } from '@stratum/stats';
import { addLinear, addNorm, filled, type LinearParams, type NormParams, type ParamStore } from './params.js';

export interface LayerParams {
  norm1: NormParams;
  qkv: tf.Variable; // [D, 3D], no bias tensor of its own
  qBias: tf.Variable; // [D]
  vBias: tf.Variable; // [D]
  proj: LinearParams; // [D, D]
  norm2: NormParams;
  fc1: LinearParams; // [D, rD]
  fc2: LinearParams; // [rD, D]
}

/** Shape of the sequence batch a layer runs on: rows = batch · tokens. */
export interface SeqShape {
  batch: number;
  tokens: number;
}

export function addLayer(store: ParamStore, rng: Prng, name: string, dim: number, mlpRatio: number, group: number): LayerParams {
  const norm1 = addNorm(store, `${name}.norm1`, dim, group);
  const qkv = addLinear(store, rng, `${name}.attn.qkv`, dim, 3 * dim, group, false).w;
  const qBias = store.add(`${name}.attn.q_bias`, [dim], filled(dim, 0), group, false);
  const vBias = store.add(`${name}.attn.v_bias`, [dim], filled(dim, 0), group, false);
  const proj = addLinear(store, rng, `${name}.attn.proj`, dim, dim, group);
  const norm2 = addNorm(store, `${name}.norm2`, dim, group);
  const fc1 = addLinear(store, rng, `${name}.mlp.fc1`, dim, mlpRatio * dim, group);
  const fc2 = addLinear(store, rng, `${name}.mlp.fc2`, mlpRatio * dim, dim, group);
  return { norm1, qkv, qBias, vBias, proj, norm2, fc1, fc2 };
}

/** x [B·n, D] → [B·n, D]. */
export function layerForward(p: LayerParams, x: tf.Tensor2D, seq: SeqShape, heads: number, eps: number): tf.Tensor2D {
  const D = x.shape[1];
  const h = layerNorm(x, p.norm1.g as tf.Tensor1D, p.norm1.b as tf.Tensor1D, eps);
  const qkvBias = tf.concat([p.qBias, tf.zeros([D]), p.vBias]) as tf.Tensor1D; // k has no bias
  const qkv = linear(h, p.qkv as tf.Tensor2D, qkvBias); // [B·n, 3D]
  const a = attention(qkv, seq.batch, seq.tokens, heads); // [B·n, D]
  const x1 = tf.add(x, linear(a, p.proj.w as tf.Tensor2D, p.proj.b as tf.Tensor1D)) as tf.Tensor2D;
  const h2 = layerNorm(x1, p.norm2.g as tf.Tensor1D, p.norm2.b as tf.Tensor1D, eps);
  const m = linear(gelu(linear(h2, p.fc1.w as tf.Tensor2D, p.fc1.b as tf.Tensor1D)), p.fc2.w as tf.Tensor2D, p.fc2.b as tf.Tensor1D);
  return tf.add(x1, m) as tf.Tensor2D;
}

/**
 * The attention probabilities of layer `p` on its input x [B·n, D] → [B·heads, n, n] (query
 * rows sum to 1), as `layerForward` computes them; for diagnostics (attention distance), not
 * training.
 */
export function attentionProbabilities(p: LayerParams, x: tf.Tensor2D, seq: SeqShape, heads: number, eps: number): tf.Tensor3D {
  return tf.tidy(() => {
    const D = x.shape[1];
    const dh = D / heads;
    const h = layerNorm(x, p.norm1.g as tf.Tensor1D, p.norm1.b as tf.Tensor1D, eps);
    const qkv = linear(h, p.qkv as tf.Tensor2D, tf.concat([p.qBias, tf.zeros([D]), p.vBias]) as tf.Tensor1D);
    const parts = tf.transpose(tf.reshape(qkv, [seq.batch, seq.tokens, 3, heads, dh]), [2, 0, 3, 1, 4]); // [3, B, H, n, dh]
    const [q, k] = tf.split(parts, 3, 0).slice(0, 2).map((t) => tf.reshape(t, [seq.batch * heads, seq.tokens, dh])) as [tf.Tensor3D, tf.Tensor3D];
    return tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh))) as tf.Tensor3D;
  });
}
