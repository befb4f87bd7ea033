/**
 * The differentiable ops the model is built from, each with an explicit gradient. On the wasm
 * backend they dispatch to the SIMD kernels (wasm-kernels.ts) and express every remaining
 * matrix product as a plain 2-D matMul, the only shape tfjs-wasm hands to XNNPACK; on webgpu
 * to the fused WGSL kernels of the same names (webgpu/kernels.ts); elsewhere (cpu, tensorflow,
 * and either with its kernels off) they use ordinary tfjs ops. All paths compute the same
 * function; the tests hold them to each other.
 *
 * Activations are 2-D [rows, features]; a sequence batch is rows = B·n, grouped by clip.
 * Nothing here uses tf.gather with gradients, stridedSlice or conv3d (wasm pitfalls).
 */
import * as tf from '@tensorflow/tfjs';
import { webgpuKernelsActive } from '../webgpu/kernels.js';
import { wasmKernelsActive } from './wasm-kernels.js';

type T2 = tf.Tensor2D;
type Grads = (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[];
// tf.customGrad's typings want a variadic function; this adapter keeps call sites typed.
function custom(fn: (inputs: tf.Tensor[], save: tf.GradSaveFunc) => { value: tf.Tensor; gradFunc: Grads }) {
  const wrapped = tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args.pop() as tf.GradSaveFunc;
    return fn(args as tf.Tensor[], save);
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (...inputs: tf.Tensor[]) => wrapped(...inputs);
}

function run(kernel: string, inputs: tf.NamedTensorMap, attrs: Record<string, number> = {}): tf.Tensor | tf.Tensor[] {
  return tf.engine().runKernel(kernel, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
}

/** [R, C] → [C, R]. */
export function transpose2d(x: T2): T2 {
  return (wasmKernelsActive() ? run('StratumTranspose2D', { x }) : tf.transpose(x)) as T2;
}

/** Whether the fused kernels (either family: same names and contracts) serve the current backend. */
function fused(): boolean {
  return wasmKernelsActive() || webgpuKernelsActive();
}

/** Column sums of [R, C] → [C] (tf.sum over axis 0 is a slow strided loop on wasm). */
function columnSum(x: T2): tf.Tensor1D {
  return (fused() ? run('StratumColumnSum', { x }) : tf.sum(x, 0)) as tf.Tensor1D;
}

/**
 * dX = dY·Wᵀ and dW = Xᵀ·dY. On wasm every product is a plain 2-D matMul, whose right operand
 * XNNPACK packs afresh for each new tensor; for dW we pack the narrower of X [M, in] and
 * dY [M, out] (dW = (dYᵀ·X)ᵀ when in < out), which is what the backward pass's cost hinges on.
 */
function matMulGrads(x: T2, w: T2, dy: T2): [T2, T2] {
  if (!wasmKernelsActive()) return [tf.matMul(dy, w, false, true), tf.matMul(x, dy, true, false)];
  const dx: T2 = tf.matMul(dy, transpose2d(w));
  const dw: T2 = x.shape[1] < dy.shape[1] ? transpose2d(tf.matMul(transpose2d(dy), x)) : tf.matMul(transpose2d(x), dy);
  return [dx, dw];
}

const linearBias = custom(([x, w, b], save) => {
  save([x!, w!]);
  return {
    value: tf.fused.matMul({ a: x as T2, b: w as T2, bias: b }),
    gradFunc: (dy, [xs, ws]) => [...matMulGrads(xs as T2, ws as T2, dy as T2), columnSum(dy as T2)],
  };
});

const linearNoBias = custom(([x, w], save) => {
  save([x!, w!]);
  return { value: tf.matMul(x as T2, w as T2), gradFunc: (dy, [xs, ws]) => matMulGrads(xs as T2, ws as T2, dy as T2) };
});

/** y = x·W + b: x [M, in], W [in, out], b [out] or null → [M, out]. */
export function linear(x: T2, w: T2, b: tf.Tensor1D | null): T2 {
  return (b ? linearBias(x, w, b) : linearNoBias(x, w)) as T2;
}

const addRowVector = custom(([x, v]) => ({
  value: tf.add(x!, v!),
  gradFunc: (dy) => [dy, columnSum(dy as T2)],
}));

/** x [M, D] + v [D] broadcast over rows, with v's gradient as a column sum. */
export function addRow(x: T2, v: tf.Tensor1D): T2 {
  return addRowVector(x, v) as T2;
}

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

const geluRef = custom(([x], save) => {
  save([x!]);
  return {
    value: tf.tidy(() => tf.mul(x!, tf.mul(0.5, tf.add(1, tf.erf(tf.mul(x!, SQRT1_2)))))),
    gradFunc: (dy, [xs]) => [
      tf.tidy(() => {
        const cdf = tf.mul(0.5, tf.add(1, tf.erf(tf.mul(xs!, SQRT1_2))));
        const pdf = tf.mul(INV_SQRT_2PI, tf.exp(tf.mul(tf.square(xs!), -0.5)));
        return tf.mul(dy, tf.add(cdf, tf.mul(xs!, pdf)));
      }),
    ],
  };
});

const geluFused = custom(([x], save) => {
  const [y, dydx] = run('StratumGelu', { x: x! }) as tf.Tensor[];
  save([dydx!]); // the derivative, computed with the forward pass: backward is one multiply
  return { value: y!, gradFunc: (dy, [d]) => [tf.mul(dy, d!)] };
});

/** Exact GELU x·Φ(x) (torch.nn.GELU's default, as VideoMAE). */
export function gelu<T extends tf.Tensor>(x: T): T {
  return (fused() ? geluFused(x) : geluRef(x)) as T;
}

function layerNormRef(eps: number) {
  return custom(([x, g, b], save) => {
    const [mean, variance] = tf.tidy(() => {
      const m = tf.moments(x!, -1, true);
      return [m.mean, m.variance];
    });
    const rstd = tf.rsqrt(tf.add(variance!, eps));
    save([x!, g!, mean!, rstd]);
    return {
      value: tf.tidy(() => tf.add(tf.mul(tf.mul(tf.sub(x!, mean!), rstd), g!), b!)),
      gradFunc: (dy, [xs, gs, ms, rs]) =>
        tf.tidy(() => {
          const xhat = tf.mul(tf.sub(xs!, ms!), rs!);
          const gy = tf.mul(dy, gs!);
          const dx = tf.mul(rs!, tf.sub(tf.sub(gy, tf.mean(gy, -1, true)), tf.mul(xhat, tf.mean(tf.mul(gy, xhat), -1, true))));
          return [dx, tf.sum(tf.mul(dy, xhat), 0), tf.sum(dy, 0)];
        }),
    };
  });
}

function layerNormFused(eps: number) {
  return custom(([x, g, b], save) => {
    const [y, mean, rstd] = run('StratumLayerNorm', { x: x!, gamma: g!, beta: b! }, { eps }) as tf.Tensor[];
    save([x!, g!, mean!, rstd!]);
    return {
      value: y!,
      gradFunc: (dy, [xs, gs, ms, rs]) => run('StratumLayerNormGrad', { x: xs!, gamma: gs!, mean: ms!, rstd: rs!, dy }) as tf.Tensor[],
    };
  });
}

const lnCache = new Map<string, ReturnType<typeof custom>>();

/** LayerNorm over the last axis of x [R, D] (biased variance, as torch). */
export function layerNorm(x: T2, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): T2 {
  const on = webgpuKernelsActive() || (wasmKernelsActive() && x.shape[1] % 4 === 0); // wasm: SIMD lanes
  const key = `${on}:${eps}`;
  let op = lnCache.get(key);
  if (!op) lnCache.set(key, (op = on ? layerNormFused(eps) : layerNormRef(eps)));
  return op(x, gamma, beta) as T2;
}

/** Reference attention: heads split by reshape/transpose, batched matMuls, softmax. */
function attentionRef(qkv: T2, batch: number, tokens: number, heads: number): T2 {
  const D = qkv.shape[1] / 3;
  const dh = D / heads;
  const parts = tf.transpose(tf.reshape(qkv, [batch, tokens, 3, heads, dh]), [2, 0, 3, 1, 4]); // [3, B, H, N, dh]
  const [q, k, v] = tf.split(parts, 3, 0).map((t) => tf.reshape(t, [batch * heads, tokens, dh])) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
  const probs = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh))); // [B·H, N, N]
  const out = tf.reshape(tf.matMul(probs, v), [batch, heads, tokens, dh]);
  return tf.reshape(tf.transpose(out, [0, 2, 1, 3]), [batch * tokens, D]);
}

function attentionFused(batch: number, tokens: number, heads: number) {
  const attrs = { batch, tokens, heads };
  return custom(([qkv], save) => {
    const [out, probs] = run('StratumAttention', { qkv: qkv! }, attrs) as tf.Tensor[];
    save([qkv!, probs!]);
    return { value: out!, gradFunc: (dy, [q, p]) => [run('StratumAttentionGrad', { qkv: q!, probs: p!, dy }, attrs) as tf.Tensor] };
  });
}

/**
 * Multi-head self-attention within each clip: qkv [B·N, 3D] laid out (3, heads, head dim)
 * along the features, as the qkv projection produces it → [B·N, D] (heads concatenated).
 */
export function attention(qkv: T2, batch: number, tokens: number, heads: number): T2 {
  const dh = qkv.shape[1] / 3 / heads;
  if (webgpuKernelsActive() || (wasmKernelsActive() && dh % 4 === 0)) return attentionFused(batch, tokens, heads)(qkv) as T2;
  return attentionRef(qkv, batch, tokens, heads);
}

const mseFused = (target: T2) =>
  custom(([pred], save) => {
    save([pred!]);
    return { value: run('StratumMse', { pred: pred!, target }) as tf.Tensor, gradFunc: (dy, [p]) => [run('StratumMseGrad', { pred: p!, target, dy }) as tf.Tensor] };
  });

/**
 * Mean squared error over every element of pred and target [R, P] → []. The target is a
 * constant (no gradient); on webgpu it is one fused kernel each way.
 */
export function meanSquaredError(pred: T2, target: T2): tf.Scalar {
  if (webgpuKernelsActive()) return mseFused(target)(pred) as tf.Scalar;
  return tf.mean(tf.square(tf.sub(pred, target)));
}
