// What this host offers: GPUs (nvidia-smi, when present), CPU model and cores, memory. Reported
// at registration; GPU utilisation and memory are also sampled as system metrics of running jobs.
import { execFile } from 'node:child_process';
import os from 'node:os';
import type { DeviceSelection } from './env.js';
import type { WebgpuAdapter } from './worker/messages.js';

export interface GpuInfo {
  index: number;
  name: string;
  uuid: string;
  memoryTotalMb: number;
  driverVersion: string;
}

export interface GpuSample {
  index: number;
  utilizationPercent: number;
  memoryUsedMb: number;
  memoryTotalMb: number;
}

export interface HostInventory {
  host: string;
  cpuModel: string;
  cpuCores: number;
  memoryBytes: number;
  /** Empty when nvidia-smi is absent or sees no GPU. */
  gpus: GpuInfo[];
  /** Why no GPU is listed (nvidia-smi missing or failing), for the logs. */
  gpuNote: string | null;
}

/** A device a job runs on: one GPU, or the CPU. */
export type Slot = { kind: 'gpu'; index: number; name: string } | { kind: 'cpu'; index: number };

function run(command: string, args: string[], timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        const code = (error as NodeJS.ErrnoException).code;
        reject(new Error(code === 'ENOENT' ? `${command} not found on PATH` : `${command} failed: ${(stderr || error.message).trim().split('\n')[0]}`));
      } else resolve(stdout);
    });
  });
}

function csvRows(text: string): string[][] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => l.split(',').map((c) => c.trim()));
}

/** Parses `nvidia-smi --query-gpu=index,name,uuid,memory.total,driver_version --format=csv,noheader,nounits`. */
export function parseGpuList(text: string): GpuInfo[] {
  return csvRows(text)
    .filter((r) => r.length >= 5 && /^\d+$/.test(r[0] ?? ''))
    .map(([index, name, uuid, memory, driver]) => ({ index: Number(index), name: name ?? '', uuid: uuid ?? '', memoryTotalMb: Number(memory), driverVersion: driver ?? '' }));
}

/** Parses `nvidia-smi --query-gpu=index,utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits`. */
export function parseGpuSamples(text: string): GpuSample[] {
  return csvRows(text)
    .filter((r) => r.length >= 4 && /^\d+$/.test(r[0] ?? ''))
    .map(([index, util, used, total]) => ({ index: Number(index), utilizationPercent: Number(util), memoryUsedMb: Number(used), memoryTotalMb: Number(total) }))
    .filter((s) => Number.isFinite(s.utilizationPercent) && Number.isFinite(s.memoryUsedMb));
}

export async function listGpus(): Promise<{ gpus: GpuInfo[]; note: string | null }> {
  try {
    const out = await run('nvidia-smi', ['--query-gpu=index,name,uuid,memory.total,driver_version', '--format=csv,noheader,nounits']);
    const gpus = parseGpuList(out);
    return { gpus, note: gpus.length ? null : 'nvidia-smi lists no GPU' };
  } catch (error) {
    return { gpus: [], note: (error as Error).message };
  }
}

export async function sampleGpus(indices: number[]): Promise<GpuSample[]> {
  if (indices.length === 0) return [];
  try {
    const out = await run('nvidia-smi', ['--query-gpu=index,utilization.gpu,memory.used,memory.total', '--format=csv,noheader,nounits', `--id=${indices.join(',')}`], 5_000);
    return parseGpuSamples(out);
  } catch {
    return [];
  }
}

export async function hostInventory(): Promise<HostInventory> {
  const cpus = os.cpus();
  const { gpus, note } = await listGpus();
  return {
    host: os.hostname(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCores: cpus.length,
    memoryBytes: os.totalmem(),
    gpus,
    gpuNote: note,
  };
}

export class DeviceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeviceError';
  }
}

/**
 * The job slots for a device selection: one per selected GPU, or CPU slots (jobs share the CPU;
 * `maxJobs` of them, default one). Explicit GPU ordinals must exist.
 */
export function planSlots(selection: DeviceSelection, inventory: HostInventory, maxJobs: number | null): Slot[] {
  if (selection.kind === 'cpu' || (selection.kind === 'auto' && inventory.gpus.length === 0)) {
    return Array.from({ length: maxJobs ?? 1 }, (_, index) => ({ kind: 'cpu' as const, index }));
  }
  const wanted = selection.kind === 'gpu' ? selection.ids : inventory.gpus.map((g) => g.index);
  const slots: Slot[] = [];
  for (const id of wanted) {
    const gpu = inventory.gpus.find((g) => g.index === id);
    if (!gpu) {
      const have = inventory.gpus.length ? `this host has GPUs ${inventory.gpus.map((g) => g.index).join(', ')}` : `no GPU is visible (${inventory.gpuNote ?? 'nvidia-smi lists none'})`;
      throw new DeviceError(`--devices names GPU ${id}, but ${have}`);
    }
    slots.push({ kind: 'gpu', index: id, name: gpu.name });
  }
  return slots.slice(0, maxJobs ?? slots.length);
}

/**
 * The devices as reported at registration; with `adapter`, also the WebGPU adapter the trainer
 * opens (vendor, device, driver description, the limits it runs with).
 */
export function describeDevices(inventory: HostInventory, slots: Slot[], adapter?: WebgpuAdapter): Array<Record<string, unknown>> {
  const webgpu = adapter ? [{ kind: 'webgpu', vendor: adapter.vendor, device: adapter.device, driver: adapter.description, software: adapter.software, limits: adapter.limits }] : [];
  const gpuSlots = slots.filter((s) => s.kind === 'gpu');
  if (gpuSlots.length === 0) {
    return [{ kind: 'cpu', model: inventory.cpuModel, cores: inventory.cpuCores, memoryBytes: inventory.memoryBytes, slots: slots.length }, ...webgpu];
  }
  return [
    ...gpuSlots.map((s) => {
      const gpu = inventory.gpus.find((g) => g.index === s.index)!;
      return { kind: 'gpu', index: gpu.index, name: gpu.name, uuid: gpu.uuid, memoryMb: gpu.memoryTotalMb, driver: gpu.driverVersion };
    }),
    ...webgpu,
  ];
}
