/**
 * The agent's side of the WebGPU backend: its probe (a real worker process, on this host's
 * Vulkan driver — lavapipe on CI), what it registers, and how GPU failures are classified.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { describeDevices } from '../src/inventory.js';
import { planBackends, detectBackends } from '../src/backends.js';
import { classifyError } from '../src/worker/errors.js';

/** The compiled worker (the test task builds first). */
const WORKER_PATH = fileURLToPath(new URL('../dist/worker/main.js', import.meta.url));
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Parameters<typeof planBackends>[3];
const [webgpu] = await detectBackends(WORKER_PATH, ['webgpu'], process.env);
const lavapipe = webgpu?.ok === true && webgpu.adapter?.software === true;
if (!webgpu?.ok && process.env.CI === 'true') throw new Error(`CI runs setup:webgpu, but WebGPU does not load: ${webgpu?.error}`);

describe.skipIf(!lavapipe)('backend plan on a host with only a software WebGPU adapter', () => {
  it('auto passes over it (slower than wasm) and says why; an explicit request takes it, adapter and limits included', async () => {
    const auto = await planBackends('auto', WORKER_PATH, process.env, quiet);
    expect(auto.available).not.toContain('webgpu');
    expect(auto.preferred).toBe('wasm');
    expect(auto.results.find((r) => r.name === 'webgpu')!.error).toMatch(/software driver/);
    const explicit = await planBackends('webgpu', WORKER_PATH, process.env, quiet);
    expect(explicit.available).toEqual(['webgpu']);
    expect(explicit.adapter!.software).toBe(true);
    expect(explicit.adapter!.limits.maxStorageBuffersPerShaderStage).toBeGreaterThan(8);
    const host = { host: 'h', cpuModel: 'Xeon', cpuCores: 2, memoryBytes: 2 ** 30, gpus: [], gpuNote: 'nvidia-smi not found on PATH' };
    const devices = describeDevices(host, [{ kind: 'cpu', index: 0 }], explicit.adapter);
    expect(devices.map((d) => d.kind)).toEqual(['cpu', 'webgpu']);
    expect(devices[1]).toMatchObject({ vendor: explicit.adapter!.vendor, driver: explicit.adapter!.description, software: true });
  }, 120_000);
});

describe('GPU failures', () => {
  const gpuError = (message: string) => Object.assign(new Error(message), { name: 'GpuError' });
  it('a kernel the GPU rejects fails the job once; a lost device may pass on another attempt', () => {
    expect(classifyError(gpuError("WebGPU rejected the step's work, so its results are invalid: GPUValidationError: …"))).toEqual({ retryable: false, code: 'GPU' });
    expect(classifyError(gpuError("WebGPU rejected the step's work, so its results are invalid: WebGPU device lost (unknown: …)"))).toEqual({ retryable: true, code: 'GPU' });
  });
});
