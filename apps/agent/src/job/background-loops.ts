// The loops that run beside the worker for as long as the job does: the lease heartbeat (which
// also carries the job's progress and brings back cancel requests) and the system metrics.
import { isAborted, isLeaseLost } from '../protocol/client.js';
import { CpuMeter, sampleSystem } from '../sysmetrics.js';
import { sleep } from '@stratum/wire';
import { errorMessage } from '../util.js';
import type { JobContext } from './context.js';
import type { JobReporter } from './reporter.js';
import type { WorkerProcess } from './worker-process.js';

export interface HeartbeatHooks {
  /** The server asked to cancel the run. */
  cancel(): void;
  /** Someone else holds the job now (or it ended). */
  leaseLost(error: Error): void;
}

/** Heartbeat interval: a third of the lease, between 200 ms and 5 s (cancel latency). */
function heartbeatInterval(leaseExpiresAt: string): number {
  const remaining = Date.parse(leaseExpiresAt) - Date.now();
  if (!Number.isFinite(remaining) || remaining <= 0) return 1_000;
  return Math.max(200, Math.min(5_000, remaining / 3));
}

export async function heartbeatLoop(job: JobContext, worker: WorkerProcess, reporter: JobReporter, hooks: HeartbeatHooks): Promise<void> {
  const signal = job.signal;
  let interval = heartbeatInterval(job.claim.leaseExpiresAt);
  let beat = 0;
  while (!signal.aborted && !job.stopping()) {
    await sleep(beat++ === 0 ? Math.min(interval, 500) : interval, signal);
    if (signal.aborted || job.stopping()) return;
    try {
      const progress = worker.progress ? { ...worker.progress, checkpointStep: reporter.lastCheckpointStep, pendingBatches: job.pipeline.pendingBatches } : null;
      const result = await job.deps.protocol.heartbeat(job.lease, progress, worker.backend, { signal });
      interval = heartbeatInterval(result.leaseExpiresAt);
      if (result.cancelRequested) hooks.cancel();
    } catch (error) {
      if (signal.aborted || isAborted(error)) return;
      if (isLeaseLost(error)) hooks.leaseLost(error as Error);
      else job.log.warn({ error: errorMessage(error) }, 'heartbeat failed; the worker keeps going and metrics stay spooled');
    }
  }
}

export async function systemMetricsLoop(job: JobContext, worker: WorkerProcess): Promise<void> {
  const period = job.deps.config.systemMetricsMs;
  if (period <= 0) return;
  const signal = job.signal;
  const cpu = new CpuMeter();
  while (!signal.aborted) {
    await sleep(period, signal);
    if (signal.aborted || job.stopping() || !worker.progress) continue;
    const samples = await sampleSystem(cpu, worker.pid, job.deps.slot);
    if (worker.gpuMemoryMb) {
      samples.push({ key: 'sys/gpu_memory_in_use_mb', value: worker.gpuMemoryMb.inUse }, { key: 'sys/gpu_memory_allocated_mb', value: worker.gpuMemoryMb.allocated });
    }
    const step = worker.progress.step;
    const wallTime = Date.now();
    job.pipeline.push(samples.map((s) => ({ key: s.key, block: null, step, value: s.value, wallTime })));
  }
}
