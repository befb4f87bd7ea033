/**
 * The WebGPU backend on Dawn (the npm package `webgpu`, which ships `dawn.node`): finds an
 * adapter, opens a device with the adapter's own limits, and hands it to tfjs.
 *
 * Why not tfjs's own factory: it opens the device with WebGPU's default limits (8 storage
 * buffers per shader stage), and several of tfjs's kernels (tf.addN over more than 7 tensors)
 * then build pipelines Dawn rejects — Dawn only logs the validation error and drops the queued
 * work, so results come back zero or NaN with no exception. We request the adapter's limits and
 * turn every validation, out-of-memory or device-lost error into a thrown GpuError
 * (`checkGpuErrors`), so a wrong number can never pass silently.
 *
 * Hosts: Dawn uses Vulkan on Linux. NVIDIA's Vulkan driver comes with the GPU driver (in a
 * container, NVIDIA_DRIVER_CAPABILITIES must include `graphics`); without a GPU, Mesa's
 * software driver lavapipe (≥ 25; `npm run setup:webgpu`) runs the same code slowly, for tests.
 */
/// <reference types="@webgpu/types" />
import { existsSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';

export interface AdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** A software adapter (lavapipe/SwiftShader): correct but slower than wasm. */
  software: boolean;
  /** Limits the device was opened with (those the trainer depends on). */
  limits: { maxStorageBuffersPerShaderStage: number; maxStorageBufferBindingSize: number; maxBufferSize: number; maxComputeWorkgroupStorageSize: number };
  features: string[];
}

export class GpuError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuError';
  }
}

interface DeviceState {
  device: GPUDevice;
  adapter: AdapterInfo;
  /** Errors raised outside an error scope (or after the device was lost), oldest first. */
  pending: string[];
  lost: string | null;
}

let state: DeviceState | null = null;

/** Dawn toggles: timestamps unquantised so per-kernel profiles (tf.profile) are meaningful. */
const DAWN_FLAGS = ['disable-dawn-features=timestamp_quantization'];

const SUBMIT_BATCH = 64;

const LIMIT_NAMES = [
  'maxStorageBuffersPerShaderStage',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
] as const;

/**
 * NVIDIA's container toolkit mounts the Vulkan ICD under /usr/local/nvidia, where the Vulkan
 * loader does not look; point the loader at it unless the host chose drivers itself.
 */
function findNvidiaIcd(): void {
  const icd = '/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json';
  if (process.env.VK_DRIVER_FILES || process.env.VK_ICD_FILENAMES || process.env.VK_ADD_DRIVER_FILES) return;
  if (existsSync(icd)) process.env.VK_ADD_DRIVER_FILES = icd;
}

async function installNavigatorGpu(): Promise<GPU> {
  const g = globalThis as unknown as { navigator?: { gpu?: GPU } };
  if (g.navigator?.gpu) return g.navigator.gpu;
  findNvidiaIcd();
  let mod: { create(flags: string[]): GPU; globals: object };
  try {
    mod = (await import('webgpu')) as unknown as typeof mod;
  } catch (e) {
    throw new Error(`cannot load Dawn (npm package "webgpu"): ${(e as Error).message.split('\n')[0]} (dawn.node needs glibc ≥ 2.34 and libstdc++ with GLIBCXX_3.4.30)`);
  }
  Object.assign(globalThis, mod.globals);
  const gpu = mod.create(DAWN_FLAGS);
  // tfjs reads navigator.gpu; Node ≥ 21 has a read-only navigator, so define the property.
  if (!g.navigator) Object.defineProperty(globalThis, 'navigator', { value: {}, configurable: true, writable: true });
  Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true });
  return gpu;
}

function isSoftware(info: GPUAdapterInfo & { isFallbackAdapter?: boolean }): boolean {
  const text = `${info.vendor} ${info.architecture} ${info.device} ${info.description}`.toLowerCase();
  return info.isFallbackAdapter === true || /llvmpipe|lavapipe|swiftshader|software/.test(text);
}

function describe(adapter: GPUAdapter, device: GPUDevice): AdapterInfo {
  const info = adapter.info;
  return {
    vendor: info.vendor,
    architecture: info.architecture,
    device: info.device,
    description: info.description,
    software: isSoftware(info),
    limits: {
      maxStorageBuffersPerShaderStage: device.limits.maxStorageBuffersPerShaderStage,
      maxStorageBufferBindingSize: device.limits.maxStorageBufferBindingSize,
      maxBufferSize: device.limits.maxBufferSize,
      maxComputeWorkgroupStorageSize: device.limits.maxComputeWorkgroupStorageSize,
    },
    features: [...device.features].map(String).sort(),
  };
}

/**
 * Opens the device and registers it as tfjs's "webgpu" backend. Throws when no adapter is
 * found (no Vulkan driver), naming what to install.
 */
export async function createWebgpuBackend(opts: { allowSoftware: boolean }): Promise<tf.KernelBackend> {
  const gpu = await installNavigatorGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new Error(
      'no WebGPU adapter: Dawn found no Vulkan driver (an NVIDIA/AMD/Intel GPU driver with Vulkan support, or for tests Mesa ≥ 25 lavapipe: `npm run setup:webgpu`)',
    );
  }
  const info = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
  if (!opts.allowSoftware && isSoftware(info)) {
    throw new Error(`the WebGPU adapter is a software driver (${info.description}), slower than wasm; request backend "webgpu" to use it anyway`);
  }
  const requiredLimits: Record<string, number> = {};
  for (const name of LIMIT_NAMES) requiredLimits[name] = adapter.limits[name];
  const requiredFeatures = (['timestamp-query'] as GPUFeatureName[]).filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  const s: DeviceState = { device, adapter: describe(adapter, device), pending: [], lost: null };
  device.addEventListener('uncapturederror', (ev) => {
    s.pending.push(`${(ev as GPUUncapturedErrorEvent).error.constructor.name}: ${(ev as GPUUncapturedErrorEvent).error.message}`);
  });
  void device.lost.then((info) => {
    if (state === s) s.lost = `${info.reason}: ${info.message}`;
  });
  const { WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
  // Queue submits every 64 dispatches rather than tfjs's 15: measured on an H200, tiny
  // blockwise K=4 went from 1,040 to 731 ms/step; buffers are released at each submit, so
  // this holds a few more in flight.
  tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', SUBMIT_BATCH);
  const backend = new WebGPUBackend(device, adapter.info);
  state = s;
  countDispatches(backend as unknown as CountedBackend);
  return backend as unknown as tf.KernelBackend;
}

/** The adapter of the live WebGPU device, or null. */
export function webgpuAdapter(): AdapterInfo | null {
  return state?.adapter ?? null;
}

export function webgpuDevice(): GPUDevice {
  if (!state) throw new GpuError('the WebGPU backend is not initialised');
  return state.device;
}

function takeErrors(): string | null {
  if (!state) return null;
  if (state.lost) return `WebGPU device lost (${state.lost})`;
  if (state.pending.length === 0) return null;
  const all = state.pending.splice(0);
  return `WebGPU error${all.length > 1 ? `s (${all.length})` : ''}: ${all.slice(0, 3).join(' | ')}`;
}

/**
 * Runs `work` inside validation and out-of-memory error scopes and throws a GpuError if the
 * device reported any error while it ran (queued work that Dawn dropped included) or was lost.
 * The trainer wraps every step in it.
 */
export async function checkGpuErrors<T>(work: () => Promise<T>): Promise<T> {
  if (!state || tf.getBackend() !== 'webgpu') return work();
  const device = state.device;
  device.pushErrorScope('out-of-memory');
  device.pushErrorScope('validation');
  let result: T;
  let failure: unknown = null;
  try {
    result = await work();
  } catch (e) {
    failure = e;
  }
  const validation = await device.popErrorScope();
  const memory = await device.popErrorScope();
  const scoped = [validation, memory].filter((e): e is GPUError => e !== null).map((e) => `${e.constructor.name}: ${e.message}`);
  const other = takeErrors();
  if (scoped.length > 0 || other) {
    throw new GpuError(`WebGPU rejected the step's work, so its results are invalid: ${[...scoped, other].filter(Boolean).join(' | ')}`);
  }
  if (failure) throw failure;
  return result!;
}

// ---- dispatch counting (kernels per step, reported by the bench) --------------------------

interface CountedBackend {
  recordAndSubmit(...args: unknown[]): unknown;
}

let dispatches = 0;

function countDispatches(be: CountedBackend): void {
  const original = be.recordAndSubmit.bind(be);
  be.recordAndSubmit = (...args: unknown[]) => {
    dispatches++;
    return original(...args);
  };
}

/** GPU compute dispatches recorded so far (tfjs programs and the trainer's own kernels). */
export function webgpuDispatches(): number {
  return dispatches;
}

export function noteDispatch(): void {
  dispatches++;
}
