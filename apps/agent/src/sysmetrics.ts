// System metrics of a running job, reported as metric series of its run (keys sys/…): host CPU
// and memory, the worker's resident memory, and its GPU's utilisation and memory when nvidia-smi
// exists.
import fs from 'node:fs';
import os from 'node:os';
import { sampleGpus, type Slot } from './inventory.js';

export interface SystemSample {
  key: string;
  value: number;
}

/** Host CPU utilisation between successive calls (all cores, 0–100). */
export class CpuMeter {
  private last = CpuMeter.times();

  private static times(): { idle: number; total: number } {
    let idle = 0;
    let total = 0;
    for (const cpu of os.cpus()) {
      const t = cpu.times;
      idle += t.idle;
      total += t.user + t.nice + t.sys + t.idle + t.irq;
    }
    return { idle, total };
  }

  /** Utilisation since the previous call (or construction); null when no time has passed. */
  percent(): number | null {
    const now = CpuMeter.times();
    const total = now.total - this.last.total;
    const idle = now.idle - this.last.idle;
    this.last = now;
    if (total <= 0) return null;
    return Math.min(100, Math.max(0, (100 * (total - idle)) / total));
  }
}

/** Resident set size of a process in bytes (Linux /proc), or null when unreadable. */
export function residentBytes(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export async function sampleSystem(cpu: CpuMeter, workerPid: number | undefined, slot: Slot): Promise<SystemSample[]> {
  const out: SystemSample[] = [];
  const cpuPercent = cpu.percent();
  if (cpuPercent !== null) out.push({ key: 'sys/cpu_percent', value: cpuPercent });
  const total = os.totalmem();
  out.push({ key: 'sys/memory_percent', value: (100 * (total - os.freemem())) / total });
  const rss = workerPid === undefined ? null : residentBytes(workerPid);
  if (rss !== null) out.push({ key: 'sys/worker_rss_mb', value: rss / 1024 ** 2 });
  if (slot.kind === 'gpu') {
    const [gpu] = await sampleGpus([slot.index]);
    if (gpu) {
      out.push({ key: 'sys/gpu_util_percent', value: gpu.utilizationPercent });
      out.push({ key: 'sys/gpu_memory_used_mb', value: gpu.memoryUsedMb });
      if (gpu.memoryTotalMb > 0) out.push({ key: 'sys/gpu_memory_percent', value: (100 * gpu.memoryUsedMb) / gpu.memoryTotalMb });
    }
  }
  return out.filter((s) => Number.isFinite(s.value));
}
