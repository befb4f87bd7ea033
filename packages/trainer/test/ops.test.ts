/**
 * The SIMD wasm kernels against plain tfjs (kernels switched off), and the hand-written
 * gradients against tfjs autodiff of the textbook formulas.
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../src/backend.js';
import { addRow, attention, gelu, layerNorm, linear, transpose2d } from '../src/kernels/ops.js';
import { setWasmKernelsEnabled, wasmKernelsActive } from '../src/kernels/wasm-kernels.js';
import { maxAbsDiff, randn } from './helpers.js';

beforeAll(async () => {
  const info = await selectBackend('wasm');
  expect(info.kernels).toBe('stratum-wasm');
});
afterEach(() => setWasmKernelsEnabled(true));

/** Value and gradients of sum(f(inputs) · w) for a fixed random cotangent w. */
function valueAndGrads(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], kernels: boolean): { value: Float32Array; grads: Float32Array[] } {
  setWasmKernelsEnabled(kernels);
  expect(wasmKernelsActive()).toBe(kernels);
  return tf.tidy(() => {
    const value = f(...inputs);
    const w = tf.tensor(randn(value.size, 99), value.shape);
    const grads = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), w)))(inputs);
    return { value: value.dataSync() as Float32Array, grads: grads.map((g) => g.dataSync() as Float32Array) };
  });
}

function expectSamePaths(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], tol: number): void {
  const a = valueAndGrads(f, inputs, true);
  const b = valueAndGrads(f, inputs, false);
  expect(maxAbsDiff(a.value, b.value)).toBeLessThan(tol);
  a.grads.forEach((g, i) => expect(maxAbsDiff(g, b.grads[i]!)).toBeLessThan(tol));
  expect(a.grads.some((g) => g.some((v) => v !== 0))).toBe(true);
}

describe('wasm kernels match plain tfjs', () => {
  it('attention, forward and backward (2 clips × 5 tokens, 2 heads of 4; ragged N)', () => {
    const qkv = tf.tensor2d(randn(2 * 5 * 24, 1), [10, 24]);
    expectSamePaths((x) => attention(x as tf.Tensor2D, 2, 5, 2), [qkv], 1e-5);
  });

  it('attention with 17 tokens and head dim 8 (SIMD tails)', () => {
    const qkv = tf.tensor2d(randn(3 * 17 * 48, 2, 2), [51, 48]);
    expectSamePaths((x) => attention(x as tf.Tensor2D, 3, 17, 2), [qkv], 2e-5);
  });

  it('attention with 34 tokens and head dim 20 (16-wide blocks plus tails, even N)', () => {
    const qkv = tf.tensor2d(randn(2 * 34 * 60, 3, 2), [68, 60]);
    expectSamePaths((x) => attention(x as tf.Tensor2D, 2, 34, 1), [qkv], 2e-5);
  });

  it('exact GELU (including large |x| and a ragged length)', () => {
    const x = tf.tensor1d(Float32Array.from([...randn(37, 3, 3), -12, -6, 0, 6, 12]));
    expectSamePaths((v) => gelu(v), [x], 2e-6);
  });

  it('LayerNorm with affine parameters', () => {
    const x = tf.tensor2d(randn(6 * 12, 4, 2), [6, 12]);
    const g = tf.tensor1d(randn(12, 5));
    const b = tf.tensor1d(randn(12, 6));
    expectSamePaths((a, gg, bb) => layerNorm(a as tf.Tensor2D, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-6), [x, g, b], 2e-5);
  });

  it('linear layers with and without bias, and the broadcast row add', () => {
    const x = tf.tensor2d(randn(7 * 5, 7), [7, 5]);
    const w = tf.tensor2d(randn(5 * 3, 8), [5, 3]);
    const b = tf.tensor1d(randn(3, 9));
    expectSamePaths((a, ww, bb) => linear(a as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D), [x, w, b], 1e-5);
    expectSamePaths((a, ww) => linear(a as tf.Tensor2D, ww as tf.Tensor2D, null), [x, w], 1e-5);
    expectSamePaths((a, v) => addRow(a as tf.Tensor2D, v as tf.Tensor1D), [tf.tensor2d(randn(21, 1), [7, 3]), b], 1e-6);
  });

  it('2-D transpose on ragged shapes', () => {
    for (const [r, c] of [[1, 1], [5, 7], [33, 18], [64, 4]] as const) {
      const x = tf.tensor2d(randn(r * c, r + c), [r, c]);
      const t = transpose2d(x);
      expect(t.shape).toEqual([c, r]);
      expect(Array.from(t.dataSync())).toEqual(Array.from(tf.transpose(x).dataSync()));
    }
  });
});

describe('hand-written gradients match autodiff of the formulas', () => {
  it('GELU is x·Φ(x) with Φ from erf', () => {
    setWasmKernelsEnabled(false);
    const x = tf.tensor1d(randn(50, 10, 2));
    const mine = tf.grad((v: tf.Tensor) => tf.sum(gelu(v)))(x).dataSync();
    const auto = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, tf.mul(0.5, tf.add(1, tf.erf(tf.div(v, Math.SQRT2)))))))(x).dataSync();
    expect(maxAbsDiff(mine, auto)).toBeLessThan(1e-5);
  });

  it('LayerNorm is (x − mean)/sqrt(var + eps)·γ + β with biased variance', () => {
    setWasmKernelsEnabled(false);
    const x = tf.tensor2d(randn(4 * 8, 11), [4, 8]);
    const g = tf.tensor1d(randn(8, 12));
    const b = tf.tensor1d(randn(8, 13));
    const w = tf.tensor2d(randn(32, 14), [4, 8]);
    const formula = (a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
      const mean = tf.mean(a, -1, true);
      const variance = tf.mean(tf.square(tf.sub(a, mean)), -1, true);
      return tf.add(tf.mul(tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, 1e-6))), gg), bb);
    };
    const mine = tf.grads((a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(layerNorm(a as tf.Tensor2D, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-6), w)))([x, g, b]);
    const auto = tf.grads((a: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(formula(a, gg, bb), w)))([x, g, b]);
    mine.forEach((m, i) => expect(maxAbsDiff(m.dataSync(), auto[i]!.dataSync())).toBeLessThan(1e-4));
    expect(maxAbsDiff(layerNorm(x, g, b, 1e-6).dataSync(), formula(x, g, b).dataSync())).toBeLessThan(1e-5);
  });

  it('attention is softmax(q kᵀ/√dh) v per clip and head, with q, k, v read from the qkv layout', () => {
    // one clip, 3 tokens, 1 head of dim 4: compare against an explicit per-token computation
    const N = 3, dh = 4;
    const qkv = randn(N * 3 * dh, 21);
    const out = attention(tf.tensor2d(qkv, [N, 3 * dh]), 1, N, 1).dataSync();
    for (let i = 0; i < N; i++) {
      const q = qkv.slice(i * 3 * dh, i * 3 * dh + dh);
      const scores = Array.from({ length: N }, (_, j) => q.reduce((s, qv, d) => s + qv * qkv[j * 3 * dh + dh + d]!, 0) / Math.sqrt(dh));
      const mx = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - mx));
      const z = e.reduce((a, b) => a + b);
      for (let d = 0; d < dh; d++) {
        const expected = e.reduce((s, ej, j) => s + (ej / z) * qkv[j * 3 * dh + 2 * dh + d]!, 0);
        expect(out[i * dh + d]).toBeCloseTo(expected, 5);
      }
    }
  });
});
