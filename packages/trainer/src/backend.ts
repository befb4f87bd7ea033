/**
 * Backend selection at run time. `@tensorflow/tfjs-node-gpu` and `@tensorflow/tfjs-node` are
 * optional dependencies (their install downloads libtensorflow), so they are imported lazily;
 * `auto` takes the first of tensorflow-gpu → webgpu → tensorflow → wasm → cpu that loads and
 * logs why the others did not — webgpu only on a hardware adapter (a software Vulkan driver
 * such as lavapipe is slower than wasm; ask for `webgpu` explicitly to use it, as the tests
 * do). An explicitly requested backend that fails is an error, never a silent fallback.
 *
 * WebGPU (webgpu/device.ts): Dawn on the host's Vulkan driver, any modern GPU.
 *
 * GPU hosts: tfjs-node-gpu 4.22 is built on TensorFlow 2.9.1 and needs Linux x86-64 with an
 * NVIDIA driver for CUDA 11.2, cuDNN 8.1 and the CUDA 11.2 runtime libraries on the loader path
 * (e.g. the nvidia/cuda:11.2.2-cudnn8-runtime image); its install step downloads
 * libtensorflow-gpu. Without a visible GPU it still loads but runs on the CPU, which an
 * explicit `tensorflow-gpu` request reports as an error.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { AUTO_BACKEND_ORDER, type BackendChoice } from '@stratum/run-config';
import { installWasmKernels, wasmKernelsActive } from './kernels/wasm-kernels.js';
import type { Logger } from './log.js';
import { createWebgpuBackend, webgpuAdapter, type AdapterInfo } from './webgpu/device.js';
import { installWebgpuKernels, webgpuKernelsActive } from './webgpu/kernels.js';

export type BackendName = Exclude<BackendChoice, 'auto'>;
export const AUTO_ORDER: readonly BackendName[] = AUTO_BACKEND_ORDER;

export interface BackendInfo {
  /** The backend in use (part of every run record). */
  name: BackendName;
  /** tfjs's own name for it ('tensorflow' for both native variants). */
  tfBackend: string;
  /** 'stratum-wasm' / 'stratum-webgpu' when the trainer's fused kernels are active. */
  kernels: 'stratum-wasm' | 'stratum-webgpu' | 'tfjs';
  /** The GPU adapter (webgpu): vendor, device, driver description, limits. */
  adapter?: AdapterInfo;
  /** Backends tried before this one (auto), with the reason each failed. */
  tried: { name: BackendName; error: string }[];
}

export class BackendError extends Error {
  constructor(
    readonly backend: BackendName,
    readonly reason: string,
  ) {
    super(`backend "${backend}" is unavailable: ${reason}`);
    this.name = 'BackendError';
  }
}

const require = createRequire(import.meta.url);

function reasonOf(e: unknown): string {
  const err = e as { code?: string; message?: string };
  if (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND') {
    return `${err.message?.split('\n')[0] ?? 'module not found'} (an optional dependency: its install downloads libtensorflow, which needs network access to storage.googleapis.com)`;
  }
  return err?.message?.split('\n')[0] ?? String(e);
}

/** Creates `name`'s backend ourselves so that a failure comes back as an error with its cause. */
async function activate(name: string, create?: () => Promise<tf.KernelBackend>): Promise<void> {
  if (tf.getBackend() === name) return;
  const registry = (tf.engine() as unknown as { registry: Record<string, tf.KernelBackend | undefined> }).registry;
  if (registry[name]) {
    // initialised before (e.g. wasm → cpu → wasm): switch back to the live instance
    if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend("${name}") failed`);
    return;
  }
  const factory = create ?? tf.findBackendFactory(name);
  if (!factory) throw new Error(`tfjs has no "${name}" backend registered`);
  let instance: tf.KernelBackend;
  try {
    instance = await factory();
  } catch (e) {
    throw new Error(`initialisation failed: ${reasonOf(e)}`);
  }
  tf.removeBackend(name);
  tf.registerBackend(name, () => instance, 1);
  if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend("${name}") refused the initialised backend`);
  await tf.ready();
}

async function loadNative(gpu: boolean): Promise<void> {
  const pkg = gpu ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
  try {
    await import(pkg);
  } catch (e) {
    throw new Error(`cannot load ${pkg}: ${reasonOf(e)}`);
  }
  await activate('tensorflow');
  if (gpu) {
    const usingGpu = (tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice;
    if (usingGpu !== true) {
      throw new Error(`${pkg} loaded but TensorFlow sees no GPU (needs an NVIDIA driver with CUDA 11.2 and cuDNN 8.1 libraries on the loader path)`);
    }
  }
}

let wasmPathsSet = false;

async function loadWasm(): Promise<void> {
  if (!wasmPathsSet && tf.getBackend() !== 'wasm') {
    // The .wasm binaries ship in the package's dist folder; a file-path prefix makes Node read
    // them from disk. Only the single-threaded SIMD binary loads in Node 20 (tfjs disables
    // the threaded build there: its workers are created from Blob URLs).
    setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
    wasmPathsSet = true;
  }
  await activate('wasm');
}

async function loadWebgpu(auto: boolean): Promise<void> {
  await activate('webgpu', () => createWebgpuBackend({ allowSoftware: !auto }));
  installWebgpuKernels();
}

async function load(name: BackendName, auto: boolean): Promise<void> {
  switch (name) {
    case 'webgpu':
      return loadWebgpu(auto);
    case 'tensorflow-gpu':
      return loadNative(true);
    case 'tensorflow':
      return loadNative(false);
    case 'wasm':
      return loadWasm();
    case 'cpu':
      return activate('cpu');
    default:
      throw new Error(`unknown backend "${String(name)}" (choose one of ${['auto', ...AUTO_ORDER].join(', ')})`);
  }
}

let current: BackendInfo | null = null;

/**
 * GPU memory of the active backend in MiB: `inUse` by live tensors, `allocated` by the
 * backend's buffer pool (its high-water mark); null on CPU backends.
 */
export function gpuMemoryMb(): { inUse: number; allocated: number } | null {
  const m = tf.memory() as { numBytesInGPU?: number; numBytesAllocatedInGPU?: number };
  if (m.numBytesInGPU === undefined) return null;
  return { inUse: m.numBytesInGPU / 2 ** 20, allocated: (m.numBytesAllocatedInGPU ?? m.numBytesInGPU) / 2 ** 20 };
}

/** The backend chosen by the last selectBackend call, selecting `auto` if there was none. */
export async function ensureBackend(log?: Logger): Promise<BackendInfo> {
  if (current && tf.getBackend() === current.tfBackend) return current;
  return selectBackend('auto', log);
}

/**
 * Makes `choice` the active tfjs backend (and installs the SIMD kernels on wasm). Throws a
 * BackendError naming the cause when an explicit choice cannot load; for `auto`, logs each
 * backend tried and why it failed.
 */
export async function selectBackend(choice: BackendChoice, log?: Logger): Promise<BackendInfo> {
  // tfjs prints a "install tfjs-node" banner through console.warn on first use of the CPU
  // backend; PROD mode silences tfjs's console chatter (errors still throw).
  tf.env().set('PROD', true);
  const candidates = choice === 'auto' ? AUTO_ORDER : [choice];
  const tried: BackendInfo['tried'] = [];
  for (const name of candidates) {
    try {
      await load(name, choice === 'auto');
    } catch (e) {
      const error = e instanceof Error ? e.message : String(e);
      if (choice !== 'auto') throw new BackendError(name, error);
      tried.push({ name, error });
      log?.info({ backend: name, error }, 'backend unavailable, trying the next');
      continue;
    }
    if (name === 'wasm') {
      const error = installWasmKernels();
      if (error) log?.warn({ error }, 'stratum wasm kernels unavailable; using plain tfjs ops');
    }
    const kernels = wasmKernelsActive() ? 'stratum-wasm' : webgpuKernelsActive() ? 'stratum-webgpu' : 'tfjs';
    const info: BackendInfo = { name, tfBackend: tf.getBackend(), kernels, tried };
    if (name === 'webgpu') info.adapter = webgpuAdapter() ?? undefined;
    log?.info({ backend: info.name, kernels: info.kernels, adapter: info.adapter, tried }, 'backend selected');
    current = info;
    return info;
  }
  throw new BackendError('cpu', `no backend could be loaded: ${tried.map((t) => `${t.name}: ${t.error}`).join('; ')}`);
}
