// Metrics of one job on their way to the server: buffered, cut into batches by size and time,
// appended to the job's spool (fsync'd) and only then sent, in order, one request at a time.
// A batch leaves the spool when the server acknowledges it. Network failures are retried until
// the job ends; a lost lease stops everything (the caller is told and discards the spool).
import type { Logger } from './logger.js';
import { abortedError, StratumError } from '@stratum/wire';
import { isAborted, isLeaseLost, isRetryable } from './protocol/client.js';
import type { AgentProtocol, Lease } from './protocol/operations.js';
import type { MetricPoint } from '@stratum/run-config';
import type { Spool } from './spool.js';
import { errorMessage } from './util.js';

export interface PipelineOptions {
  lease: Lease;
  protocol: AgentProtocol;
  spool: Spool;
  log: Logger;
  batchPoints: number;
  batchMs: number;
  /** Called once when the server says the lease is gone. */
  onLeaseLost: (error: Error) => void;
}

export class MetricsPipeline {
  private buffer: MetricPoint[] = [];
  private timer: NodeJS.Timeout | null = null;
  private seq: number;
  private readonly stopController = new AbortController();
  private wake: (() => void) | null = null;
  private sending: Promise<void> | null = null;
  private waiters: Array<{ id: string; resolve: () => void; reject: (e: Error) => void }> = [];
  private failed: Error | null = null;
  /** Points accepted and points the server already had, for the job's summary. */
  readonly stats = { accepted: 0, duplicates: 0, batches: 0, dropped: 0 };

  constructor(private readonly options: PipelineOptions) {
    // Batch ids: <job>:<fencing token>:<seq>; seq continues after any batches already spooled.
    let max = -1;
    for (const batch of options.spool.pending()) {
      const n = Number(batch.id.split(':').pop());
      if (Number.isInteger(n)) max = Math.max(max, n);
    }
    this.seq = max + 1;
  }

  /** Starts sending (including anything already in the spool from before a restart). */
  start(): void {
    this.sending ??= this.sendLoop();
  }

  /** Adds points; a batch is cut when the buffer is full, or batchMs after the first point. */
  push(points: MetricPoint[]): void {
    if (this.failed || this.stopController.signal.aborted) return;
    for (const p of points) {
      if (!Number.isFinite(p.value)) {
        this.stats.dropped += 1;
        this.options.log.warn({ key: p.key, step: p.step, value: String(p.value) }, 'non-finite metric value not sent');
        continue;
      }
      this.buffer.push(p);
      if (this.buffer.length >= this.options.batchPoints) this.cut();
    }
    if (this.buffer.length > 0 && !this.timer) this.timer = setTimeout(() => this.cut(), this.options.batchMs);
  }

  /**
   * Cuts the buffer into a batch and resolves when every batch spooled so far is acknowledged
   * (rejects if the lease is lost or the pipeline is stopped first).
   */
  async flush(): Promise<void> {
    this.cut();
    if (this.failed) throw this.failed;
    const pending = this.options.spool.pending();
    const last = pending[pending.length - 1];
    if (!last) return;
    await new Promise<void>((resolve, reject) => this.waiters.push({ id: last.id, resolve, reject }));
  }

  /** Stops sending; what is still in the spool stays there (a later replay, or discard). */
  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.stopController.abort();
    this.wake?.();
    await this.sending;
    this.rejectWaiters(this.failed ?? abortedError());
  }

  get pendingBatches(): number {
    return this.options.spool.pendingCount + (this.buffer.length > 0 ? 1 : 0);
  }

  private cut(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.buffer.length === 0 || this.failed) return;
    const points = this.buffer;
    this.buffer = [];
    const id = `${this.options.lease.jobId}:${this.options.lease.fencingToken}:${this.seq++}`;
    this.options.spool.append({ id, points });
    this.wake?.();
  }

  private async sendLoop(): Promise<void> {
    const signal = this.stopController.signal;
    while (!signal.aborted) {
      const next = this.options.spool.pending()[0];
      if (!next) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
        continue;
      }
      try {
        const result = await this.options.protocol.logMetrics(this.options.lease, next.id, next.points, { signal });
        this.stats.accepted += result.accepted;
        this.stats.duplicates += result.duplicates;
        this.stats.batches += 1;
        this.ack(next.id);
      } catch (error) {
        if (isAborted(error) || signal.aborted) break;
        if (isLeaseLost(error)) {
          this.failed = error as Error;
          this.rejectWaiters(this.failed);
          this.options.onLeaseLost(this.failed);
          break;
        }
        if (error instanceof StratumError && !isRetryable(error)) {
          // The server refuses this batch for good (a bug on our side): keeping it would block
          // every later batch, so it is logged in full and dropped.
          this.options.log.error({ batchId: next.id, points: next.points.length, code: error.code, error: error.message }, 'metrics batch refused; dropped');
          this.stats.dropped += next.points.length;
          this.ack(next.id);
          continue;
        }
        this.options.log.warn({ batchId: next.id, error: errorMessage(error) }, 'metrics batch not sent; will retry');
      }
    }
  }

  private ack(id: string): void {
    this.options.spool.ack(id);
    const pendingIds = new Set(this.options.spool.pending().map((b) => b.id));
    this.waiters = this.waiters.filter((w) => {
      if (pendingIds.has(w.id)) return true;
      w.resolve();
      return false;
    });
  }

  private rejectWaiters(error: Error): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(error);
  }
}
