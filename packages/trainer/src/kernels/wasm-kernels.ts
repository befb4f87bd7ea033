/**
 * Registers the SIMD kernels of kernels/*.c (see kernels/README.md) as tfjs kernels of the wasm
 * backend. The module imports the backend's own linear memory, so a kernel reads its inputs
 * and writes fresh outputs in place (no copies); tensors stay on the backend throughout.
 *
 * Kernels (names are what ops.ts passes to `runKernel`):
 *   StratumAttention      qkv [B·N, 3D]                  → out [B·N, D], probs [B, H, N, N]
 *   StratumAttentionGrad  qkv, probs, dy [B·N, D]        → dqkv [B·N, 3D]
 *   StratumGelu           x (any shape)                  → y = x·Φ(x), dy/dx (saved for backward)
 *   StratumColumnSum      x [R, C]                       → [C]
 *   StratumLayerNorm      x [R, D], gamma, beta [D]      → y [R, D], mean, rstd [R]
 *   StratumLayerNormGrad  x, gamma, mean, rstd, dy       → dx, dgamma, dbeta
 *   StratumTranspose2D    x [R, C]                       → [C, R]
 *   StratumAdamW          p, g, m, v (same shape)        → p', m', v'
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { KERNELS_WASM_BASE64 } from './wasm-binary.js';

interface KernelExports {
  attention_forward(qkv: number, out: number, probs: number, scratch: number, B: number, N: number, H: number, dh: number, scale: number): void;
  attention_backward(qkv: number, probs: number, dout: number, dqkv: number, scratch: number, B: number, N: number, H: number, dh: number, scale: number): void;
  gelu_forward(x: number, y: number, dydx: number, n: number): void;
  column_sum(x: number, out: number, rows: number, cols: number): void;
  layernorm_forward(x: number, g: number, b: number, y: number, mean: number, rstd: number, rows: number, D: number, eps: number): void;
  layernorm_backward(x: number, g: number, mean: number, rstd: number, dy: number, dx: number, dg: number, db: number, rows: number, D: number): void;
  transpose2d(src: number, dst: number, rows: number, cols: number): void;
  adamw_update(p: number, g: number, m: number, v: number, p2: number, m2: number, v2: number, n: number, lr: number, b1: number, b2: number, eps: number, wd: number, bc1: number, bc2: number, gscale: number): void;
  sum_squares(x: number, n: number): number;
}

// The WebAssembly global, typed locally (the workspace compiles without the DOM lib).
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Memory: abstract new (...args: never[]) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let active: { exports: KernelExports; backend: BackendWasm } | null = null;
let disabled = false;
const registered = new Set<string>();

/** Whether ops should dispatch to the stratum kernels right now. */
export function wasmKernelsActive(): boolean {
  return active !== null && !disabled && tf.getBackend() === 'wasm' && tf.backend() === active.backend;
}

/** Turns the kernels off (or back on): the tests compare both paths, the bench reports both. */
export function setWasmKernelsEnabled(enabled: boolean): void {
  disabled = !enabled;
}

type Attrs = Record<string, number>;
type KernelFn = (k: KernelExports, be: BackendWasm, inputs: tf.NamedTensorInfoMap, attrs: Attrs) => tf.TensorInfo | tf.TensorInfo[];

function off(be: BackendWasm, t: tf.TensorInfo | undefined): number {
  if (!t) throw new Error('missing kernel input');
  return be.getMemoryOffset(t.dataId);
}

function sizeOf(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Runs `fn` with a scratch buffer of `n` floats that is freed afterwards. */
function withScratch<T>(be: BackendWasm, n: number, fn: (ptr: number) => T): T {
  const scratch = be.makeOutput([Math.max(1, n)], 'float32');
  try {
    return fn(be.getMemoryOffset(scratch.dataId));
  } finally {
    be.disposeData(scratch.dataId, true);
  }
}

const KERNELS: Record<string, KernelFn> = {
  StratumAttention: (k, be, { qkv }, { batch, tokens, heads }) => {
    const D = qkv!.shape[1]! / 3, dh = D / heads!, Np = (tokens! + 3) & ~3;
    const out = be.makeOutput([batch! * tokens!, D], 'float32');
    const probs = be.makeOutput([batch!, heads!, tokens!, tokens!], 'float32');
    withScratch(be, dh * Np + 2 * Np, (s) =>
      k.attention_forward(off(be, qkv), off(be, out), off(be, probs), s, batch!, tokens!, heads!, dh, 1 / Math.sqrt(dh)),
    );
    return [out, probs];
  },
  StratumAttentionGrad: (k, be, { qkv, probs, dy }, { batch, tokens, heads }) => {
    const D = qkv!.shape[1]! / 3, dh = D / heads!, Np = (tokens! + 3) & ~3;
    const dqkv = be.makeOutput([...qkv!.shape], 'float32');
    withScratch(be, dh * Np + tokens! * Np, (s) =>
      k.attention_backward(off(be, qkv), off(be, probs), off(be, dy), off(be, dqkv), s, batch!, tokens!, heads!, dh, 1 / Math.sqrt(dh)),
    );
    return dqkv;
  },
  StratumGelu: (k, be, { x }) => {
    const y = be.makeOutput([...x!.shape], 'float32');
    const dydx = be.makeOutput([...x!.shape], 'float32');
    k.gelu_forward(off(be, x), off(be, y), off(be, dydx), sizeOf(x!.shape));
    return [y, dydx];
  },
  StratumColumnSum: (k, be, { x }) => {
    const [rows, cols] = x!.shape as [number, number];
    const out = be.makeOutput([cols], 'float32');
    k.column_sum(off(be, x), off(be, out), rows, cols);
    return out;
  },
  StratumLayerNorm: (k, be, { x, gamma, beta }, { eps }) => {
    const [rows, D] = x!.shape as [number, number];
    const y = be.makeOutput([rows, D], 'float32');
    const mean = be.makeOutput([rows], 'float32');
    const rstd = be.makeOutput([rows], 'float32');
    k.layernorm_forward(off(be, x), off(be, gamma), off(be, beta), off(be, y), off(be, mean), off(be, rstd), rows, D, eps!);
    return [y, mean, rstd];
  },
  StratumLayerNormGrad: (k, be, { x, gamma, mean, rstd, dy }) => {
    const [rows, D] = x!.shape as [number, number];
    const dx = be.makeOutput([rows, D], 'float32');
    const dg = be.makeOutput([D], 'float32');
    const db = be.makeOutput([D], 'float32');
    k.layernorm_backward(off(be, x), off(be, gamma), off(be, mean), off(be, rstd), off(be, dy), off(be, dx), off(be, dg), off(be, db), rows, D);
    return [dx, dg, db];
  },
  StratumTranspose2D: (k, be, { x }) => {
    const [rows, cols] = x!.shape as [number, number];
    const y = be.makeOutput([cols, rows], 'float32');
    k.transpose2d(off(be, x), off(be, y), rows, cols);
    return y;
  },
  StratumAdamW: (k, be, { p, g, m, v }, a) => {
    const shape = [...p!.shape];
    const [p2, m2, v2] = [0, 1, 2].map(() => be.makeOutput(shape, 'float32')) as [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo];
    k.adamw_update(off(be, p), off(be, g), off(be, m), off(be, v), off(be, p2), off(be, m2), off(be, v2), sizeOf(shape), a.lr!, a.beta1!, a.beta2!, a.eps!, a.weightDecay!, a.bc1!, a.bc2!, a.gradScale!);
    return [p2, m2, v2];
  },
};

/**
 * Instantiates the kernels against the active wasm backend's memory and registers them.
 * Returns null on success, or why they cannot be used (the ops then use plain tfjs).
 */
export function installWasmKernels(): string | null {
  if (tf.getBackend() !== 'wasm') return 'the active backend is not wasm';
  const be = tf.backend() as unknown as BackendWasm & { wasm: { asm?: { memory?: unknown } } };
  if (active?.backend === be) return null;
  const memory = be.wasm.asm?.memory;
  if (!(memory instanceof WA.Memory)) return 'the wasm backend does not expose its memory';
  let exports: KernelExports;
  try {
    const module = new WA.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
    exports = new WA.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
  } catch (e) {
    return `cannot instantiate the kernels: ${e instanceof Error ? e.message : String(e)}`;
  }
  active = { exports, backend: be };
  for (const [kernelName, fn] of Object.entries(KERNELS)) {
    if (registered.has(kernelName)) continue;
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs }) => {
        if (!active) throw new Error(`${kernelName}: stratum wasm kernels are not installed`);
        return fn(active.exports, active.backend, inputs as tf.NamedTensorInfoMap, attrs as unknown as Attrs);
      },
    });
    registered.add(kernelName);
  }
  return null;
}

/** Σ x² of a float32 tensor on the wasm backend, read in place (no tensor is created). */
export function wasmSumSquares(x: tf.Tensor): number {
  if (!active) throw new Error('stratum wasm kernels are not installed');
  return active.exports.sum_squares(active.backend.getMemoryOffset(x.dataId), x.size);
}
