/**
 * The trainer's fused kernels on the WebGPU backend, registered under the same names and
 * contracts as the wasm SIMD kernels (kernels/wasm-kernels.ts), so ops.ts dispatches to either:
 *
 *   StratumAttention      qkv [B·N, 3D]                  → out [B·N, D], probs [B, H, N, N]
 *   StratumAttentionGrad  qkv, probs, dy [B·N, D]        → dqkv [B·N, 3D]          (2 passes)
 *   StratumGelu           x (any shape)                  → y, dy/dx
 *   StratumColumnSum      x [R, C]                       → [C]
 *   StratumLayerNorm      x [R, D], gamma, beta [D]      → y [R, D], mean, rstd [R]
 *   StratumLayerNormGrad  x, gamma, mean, rstd, dy       → dx, dgamma, dbeta       (2 passes)
 *   StratumMse            pred, target [R, P]            → loss []                 (2 passes)
 *   StratumMseGrad        pred, target, dy []            → dpred [R, P]
 */
import * as tf from '@tensorflow/tfjs';
import { allocate, dispatch, fold, gpuBackend } from './dispatch.js';
import { ATTENTION_BACKWARD_COLUMNS, ATTENTION_BACKWARD_ROWS, ATTENTION_FORWARD, MAX_TOKENS } from './shaders/attention.js';
import { GELU, MSE_BACKWARD, MSE_FINISH, MSE_PARTIALS } from './shaders/pointwise.js';
import { columnSums, LAYERNORM_BACKWARD_ROWS, LAYERNORM_FORWARD } from './shaders/rows.js';

type Attrs = Record<string, number>;
type Uniform = { type: 'float32' | 'int32' | 'uint32'; data: number[] };

/** Scalar uniforms, padded to a multiple of four (the WGSL structs declare the padding). */
export function scalars(...values: (number | { f: number })[]): Uniform[] {
  const out: Uniform[] = values.map((v) => (typeof v === 'number' ? { type: 'uint32', data: [v] } : { type: 'float32', data: [v.f] }));
  while (out.length % 4 !== 0) out.push({ type: 'uint32', data: [0] });
  return out;
}

const size = (t: tf.TensorInfo) => t.shape.reduce((a, b) => a * b, 1);
const w = (tensor: tf.TensorInfo) => ({ tensor, write: true });
const r = (tensor: tf.TensorInfo) => ({ tensor });

function layerNorm(inputs: tf.NamedTensorInfoMap, attrs: Attrs): tf.TensorInfo[] {
  const { x, gamma, beta } = inputs as Record<string, tf.TensorInfo>;
  const [R, D] = x!.shape as [number, number];
  const y = allocate([R, D]), mean = allocate([R]), rstd = allocate([R]);
  dispatch('layernorm', LAYERNORM_FORWARD, [r(x!), r(gamma!), r(beta!), w(y), w(mean), w(rstd)], scalars(R, D, { f: attrs.eps! }), [...fold(R), 1]);
  return [y, mean, rstd];
}

function layerNormGrad(inputs: tf.NamedTensorInfoMap): tf.TensorInfo[] {
  const { x, gamma, mean, rstd, dy } = inputs as Record<string, tf.TensorInfo>;
  const [R, D] = x!.shape as [number, number];
  const dx = allocate([R, D]), dgamma = allocate([D]), dbeta = allocate([D]);
  dispatch('layernorm-grad', LAYERNORM_BACKWARD_ROWS, [r(x!), r(gamma!), r(mean!), r(rstd!), r(dy!), w(dx)], scalars(R, D), [...fold(R), 1]);
  dispatch('layernorm-grad-columns', columnSums(true), [r(dy!), r(x!), r(mean!), r(rstd!), w(dbeta), w(dgamma)], scalars(R, D), [Math.ceil(D / 16), 1, 1]);
  return [dx, dgamma, dbeta];
}

function columnSum(inputs: tf.NamedTensorInfoMap): tf.TensorInfo {
  const x = inputs.x as tf.TensorInfo;
  const [R, C] = x.shape as [number, number];
  const out = allocate([C]);
  dispatch('column-sum', columnSums(false), [r(x), w(out)], scalars(R, C), [Math.ceil(C / 16), 1, 1]);
  return out;
}

function gelu(inputs: tf.NamedTensorInfoMap): tf.TensorInfo[] {
  const x = inputs.x as tf.TensorInfo;
  const n = size(x);
  const y = allocate(x.shape), dydx = allocate(x.shape);
  dispatch('gelu', GELU, [r(x), w(y), w(dydx)], scalars(n), [...fold(Math.ceil(n / 256)), 1]);
  return [y, dydx];
}

function attentionUniforms(qkv: tf.TensorInfo, attrs: Attrs) {
  const { batch: B, tokens: N, heads: H } = attrs as { batch: number; tokens: number; heads: number };
  const dh = qkv.shape[1]! / 3 / H;
  if (N > MAX_TOKENS) throw new Error(`StratumAttention: ${N} tokens per clip exceed the kernel's ${MAX_TOKENS}`);
  return { B, N, H, dh, u: scalars(B, N, H, dh, { f: 1 / Math.sqrt(dh) }), groups: fold(B * H * N) };
}

function attention(inputs: tf.NamedTensorInfoMap, attrs: Attrs): tf.TensorInfo[] {
  const qkv = inputs.qkv as tf.TensorInfo;
  const { B, N, H, dh, u, groups } = attentionUniforms(qkv, attrs);
  const out = allocate([B * N, H * dh]), probs = allocate([B, H, N, N]);
  dispatch('attention', ATTENTION_FORWARD, [r(qkv), w(out), w(probs)], u, [...groups, 1]);
  return [out, probs];
}

function attentionGrad(inputs: tf.NamedTensorInfoMap, attrs: Attrs): tf.TensorInfo {
  const { qkv, probs, dy } = inputs as Record<string, tf.TensorInfo>;
  const { B, N, H, u, groups } = attentionUniforms(qkv!, attrs);
  const dqkv = allocate(qkv!.shape);
  const ds = allocate([B, H, N, N]);
  dispatch('attention-grad-rows', ATTENTION_BACKWARD_ROWS, [r(qkv!), r(probs!), r(dy!), w(dqkv), w(ds)], u, [...groups, 1]);
  dispatch('attention-grad-columns', ATTENTION_BACKWARD_COLUMNS, [r(qkv!), r(probs!), r(dy!), r(ds), w(dqkv)], u, [...groups, 1]);
  gpuBackend().disposeData(ds.dataId); // freed once the queued passes are submitted
  return dqkv;
}

const MSE_PER_GROUP = 256 * 16;

function mse(inputs: tf.NamedTensorInfoMap): tf.TensorInfo {
  const { pred, target } = inputs as Record<string, tf.TensorInfo>;
  const n = size(pred!);
  const count = Math.ceil(n / MSE_PER_GROUP);
  if (count > 65535) throw new Error(`StratumMse: ${n} values exceed the kernel's range`);
  const partial = allocate([count]);
  const loss = allocate([]);
  dispatch('mse-partials', MSE_PARTIALS, [r(pred!), r(target!), w(partial)], scalars(n, MSE_PER_GROUP), [count, 1, 1]);
  dispatch('mse-finish', MSE_FINISH, [r(partial), w(loss)], scalars(count, n), [1, 1, 1]);
  gpuBackend().disposeData(partial.dataId);
  return loss;
}

function mseGrad(inputs: tf.NamedTensorInfoMap): tf.TensorInfo {
  const { pred, target, dy } = inputs as Record<string, tf.TensorInfo>;
  const n = size(pred!);
  const dpred = allocate(pred!.shape);
  dispatch('mse-grad', MSE_BACKWARD, [r(pred!), r(target!), r(dy!), w(dpred)], scalars(n), [...fold(Math.ceil(n / 256)), 1]);
  return dpred;
}

type KernelFn = (inputs: tf.NamedTensorInfoMap, attrs: Attrs) => tf.TensorInfo | tf.TensorInfo[];
const KERNELS: Record<string, KernelFn> = {
  StratumLayerNorm: layerNorm,
  StratumLayerNormGrad: layerNormGrad,
  StratumColumnSum: columnSum,
  StratumGelu: gelu,
  StratumAttention: attention,
  StratumAttentionGrad: attentionGrad,
  StratumMse: mse,
  StratumMseGrad: mseGrad,
};

let registered = false;
let enabled = true;

/** Registers the kernels for the "webgpu" backend (once). */
export function installWebgpuKernels(): void {
  if (registered) return;
  for (const [kernelName, fn] of Object.entries(KERNELS)) {
    tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc: ({ inputs, attrs }) => fn(inputs, attrs as unknown as Attrs) });
  }
  registered = true;
}

/** Whether ops should dispatch to the fused WebGPU kernels right now. */
export function webgpuKernelsActive(): boolean {
  return registered && enabled && tf.getBackend() === 'webgpu';
}

/** Turns the fused kernels off (or back on): the tests and the bench compare both paths. */
export function setWebgpuKernelsEnabled(on: boolean): void {
  enabled = on;
}
