import { describe, expect, it } from 'vitest';
import { DeviceError, describeDevices, parseGpuList, parseGpuSamples, planSlots, type HostInventory } from '../src/inventory.js';

const SMI_LIST = `0, NVIDIA A100-SXM4-40GB, GPU-0a1b, 40960, 535.104.05
1, NVIDIA A100-SXM4-40GB, GPU-2c3d, 40960, 535.104.05
`;

function host(gpus = parseGpuList(SMI_LIST)): HostInventory {
  return { host: 'h', cpuModel: 'Xeon', cpuCores: 8, memoryBytes: 64 * 1024 ** 3, gpus, gpuNote: gpus.length ? null : 'nvidia-smi not found on PATH' };
}

describe('nvidia-smi parsing', () => {
  it('reads the GPU list', () => {
    expect(parseGpuList(SMI_LIST)).toEqual([
      { index: 0, name: 'NVIDIA A100-SXM4-40GB', uuid: 'GPU-0a1b', memoryTotalMb: 40960, driverVersion: '535.104.05' },
      { index: 1, name: 'NVIDIA A100-SXM4-40GB', uuid: 'GPU-2c3d', memoryTotalMb: 40960, driverVersion: '535.104.05' },
    ]);
    expect(parseGpuList('No devices were found\n')).toEqual([]);
  });

  it('reads utilisation samples and skips unsupported fields', () => {
    expect(parseGpuSamples('0, 87, 31000, 40960\n1, [N/A], 10, 40960\n')).toEqual([{ index: 0, utilizationPercent: 87, memoryUsedMb: 31000, memoryTotalMb: 40960 }]);
  });
});

describe('planSlots', () => {
  it('gives one slot per GPU, all by default', () => {
    expect(planSlots({ kind: 'auto' }, host(), null).map((s) => `${s.kind}:${s.index}`)).toEqual(['gpu:0', 'gpu:1']);
    expect(planSlots({ kind: 'gpu', ids: [1] }, host(), null).map((s) => `${s.kind}:${s.index}`)).toEqual(['gpu:1']);
    expect(planSlots({ kind: 'auto' }, host(), 1)).toHaveLength(1);
  });

  it('falls back to the CPU only when no GPU is visible and none was named', () => {
    expect(planSlots({ kind: 'auto' }, host([]), null)).toEqual([{ kind: 'cpu', index: 0 }]);
    expect(planSlots({ kind: 'cpu' }, host(), 2)).toEqual([{ kind: 'cpu', index: 0 }, { kind: 'cpu', index: 1 }]);
  });

  it('refuses GPUs the host does not have, saying why', () => {
    expect(() => planSlots({ kind: 'gpu', ids: [3] }, host(), null)).toThrow(DeviceError);
    expect(() => planSlots({ kind: 'gpu', ids: [3] }, host(), null)).toThrow(/GPU 3.*GPUs 0, 1/);
    expect(() => planSlots({ kind: 'gpu', ids: [0] }, host([]), null)).toThrow(/no GPU is visible \(nvidia-smi not found on PATH\)/);
  });

  it('describes GPUs, or the CPU, for registration', () => {
    const inventory = host();
    expect(describeDevices(inventory, planSlots({ kind: 'gpu', ids: [1] }, inventory, null))).toEqual([
      { kind: 'gpu', index: 1, name: 'NVIDIA A100-SXM4-40GB', uuid: 'GPU-2c3d', memoryMb: 40960, driver: '535.104.05' },
    ]);
    expect(describeDevices(inventory, [{ kind: 'cpu', index: 0 }])).toEqual([{ kind: 'cpu', model: 'Xeon', cores: 8, memoryBytes: 64 * 1024 ** 3, slots: 1 }]);
  });
});
