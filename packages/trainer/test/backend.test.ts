import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { BackendError, selectBackend } from '../src/backend.js';

const require = createRequire(import.meta.url);
function installed(pkg: string): boolean {
  try {
    require.resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

describe('selectBackend', () => {
  const native = [
    ['tensorflow', '@tensorflow/tfjs-node'],
    ['tensorflow-gpu', '@tensorflow/tfjs-node-gpu'],
  ] as const;

  it.each(native)('an explicit %s request fails with the reason when %s cannot load', async (name, pkg) => {
    if (installed(pkg)) return; // a host with the native binding: covered by the auto test below
    const err = await selectBackend(name).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as BackendError).backend).toBe(name);
    expect((err as Error).message).toContain(`cannot load ${pkg}`);
    expect((err as Error).message).toMatch(/optional dependency|libtensorflow|Cannot find/);
  });

  it('auto takes the first backend that loads and logs why the others did not', async () => {
    const logs: { obj: object; msg?: string }[] = [];
    const log = { info: (obj: object, msg?: string) => void logs.push({ obj, msg }), warn: (obj: object, msg?: string) => void logs.push({ obj, msg }) };
    const info = await selectBackend('auto', log);
    const expected = installed('@tensorflow/tfjs-node-gpu') || installed('@tensorflow/tfjs-node') ? undefined : 'wasm';
    if (expected) {
      expect(info.name).toBe('wasm');
      expect(info.kernels).toBe('stratum-wasm');
      expect(info.tried.map((t) => t.name)).toEqual(['tensorflow-gpu', 'webgpu', 'tensorflow']);
      expect(info.tried.every((t) => t.error.length > 0)).toBe(true);
      // these machines have no GPU: at most lavapipe, which auto must not take
      expect(info.tried[1]!.error).toMatch(/software driver|no WebGPU adapter|cannot load Dawn/);
      expect(logs.filter((l) => l.msg === 'backend unavailable, trying the next').length).toBe(3);
    }
    expect(tf.getBackend()).toBe(info.tfBackend);
    expect(logs.at(-1)!.msg).toBe('backend selected');
  });

  it('switches between wasm and cpu on request', async () => {
    expect((await selectBackend('cpu')).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    const wasm = await selectBackend('wasm');
    expect([wasm.name, wasm.kernels, tf.getBackend()]).toEqual(['wasm', 'stratum-wasm', 'wasm']);
    expect((await selectBackend('cpu')).kernels).toBe('tfjs');
  });
});
