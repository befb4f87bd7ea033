// Supervises one claimed job: a worker child process trains (or compares), this side holds the
// lease. It heartbeats, spools and sends metrics, uploads and registers checkpoints, reports
// evaluations, and ends the job with completeJob / failJob / releaseJob. A crash, an OOM or a
// cancel kills only the child. Once the lease is lost, nothing more is written.
//
// Invariant that makes resumption exact: a checkpoint at step S is registered only after every
// metric point received before it (so every step ≤ S) has been acknowledged by the server. A
// job re-claimed from that checkpoint re-emits steps > S, which the server stores or — where
// the old holder got them in first — counts as duplicates.
//
// JobRunner coordinates the parts under job/: the worker process and its messages
// (worker-process.ts), the reports to the API (reporter.ts), the heartbeat and system metrics
// (background-loops.ts), and the artifact cache (artifacts.ts). It alone decides how the job ends.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from './logger.js';
import { MetricsPipeline } from './metrics-pipeline.js';
import { isAborted, isLeaseLost, isRefused } from './protocol/client.js';
import type { ClaimedJob, Lease } from './protocol/operations.js';
import { Spool } from './spool.js';
import { errorMessage } from './util.js';
import { heartbeatLoop, systemMetricsLoop } from './job/background-loops.js';
import type { JobContext, JobOutcome, RunnerDeps } from './job/context.js';
import { jobDir, writeJobRecord, type JobRecord } from './job/record.js';
import { JobReporter } from './job/reporter.js';
import { UnrunnableJobError, prepareWorkerJob } from './job/worker-job.js';
import { WorkerProcess } from './job/worker-process.js';

export type { JobOutcome, RunnerDeps } from './job/context.js';
export { jobDir, writeJobRecord, type JobRecord } from './job/record.js';
export { artifactDir, sha256File } from './job/artifacts.js';
export { UnrunnableJobError } from './job/worker-job.js';

export class JobRunner {
  readonly lease: Lease;
  readonly done: Promise<JobOutcome>;
  private readonly log: Logger;
  private readonly dir: string;
  private readonly spool: Spool;
  private readonly pipeline: MetricsPipeline;
  private readonly job: JobContext;
  private readonly reporter: JobReporter;
  private readonly worker: WorkerProcess;
  private chain: Promise<void> = Promise.resolve();
  /** Set once the job is decided; later events change nothing. */
  private ending: JobOutcome | null = null;
  private stopReason: 'cancel' | 'lease-lost' | 'abandon' | null = null;
  /** Set when supervision failed: of the API work already queued, only the failure is still sent. */
  private failing = false;
  private draining = false;
  private readonly stopped = new AbortController();
  private resolveDone!: (outcome: JobOutcome) => void;
  private readonly record: JobRecord;

  constructor(
    readonly claim: ClaimedJob,
    private readonly deps: RunnerDeps,
  ) {
    this.lease = { jobId: claim.jobId, fencingToken: claim.fencingToken };
    this.log = deps.log.child({ jobId: claim.jobId, runId: claim.runId, attempt: claim.attempt, slot: `${deps.slot.kind}:${deps.slot.index}` });
    this.dir = jobDir(deps.config.workDir, claim.jobId);
    this.record = { jobId: claim.jobId, runId: claim.runId, kind: claim.kind, fencingToken: claim.fencingToken, claimedAt: new Date().toISOString(), state: 'running' };
    writeJobRecord(this.dir, this.record);
    this.spool = Spool.open(path.join(this.dir, 'spool.jsonl'));
    this.pipeline = new MetricsPipeline({
      lease: this.lease,
      protocol: deps.protocol,
      spool: this.spool,
      log: this.log,
      batchPoints: deps.config.batchPoints,
      batchMs: deps.config.batchMs,
      onLeaseLost: (error) => this.leaseLost(error),
    });
    this.job = {
      claim, lease: this.lease, deps, log: this.log, dir: this.dir, pipeline: this.pipeline, signal: this.stopped.signal,
      stopping: () => this.stopReason !== null,
      draining: () => this.draining,
      enqueue: (task) => this.enqueue(task),
    };
    this.reporter = new JobReporter(this.job, { backend: () => this.worker.backend, finish: (outcome) => this.finish(outcome) });
    this.worker = new WorkerProcess(this.job, this.reporter);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Starts the job; `done` resolves with how it ended. Never rejects. */
  start(): Promise<JobOutcome> {
    this.pipeline.start();
    void heartbeatLoop(this.job, this.worker, this.reporter, { cancel: () => this.cancel(), leaseLost: (error) => this.leaseLost(error) });
    void systemMetricsLoop(this.job, this.worker);
    this.launch().catch((error) => this.fatal(error));
    return this.done;
  }

  /** Graceful drain: ask the worker to checkpoint and stop, then hand the job back. */
  drain(): void {
    if (this.draining || this.ending) return;
    this.draining = true;
    writeJobRecord(this.dir, { ...this.record, state: 'draining' });
    this.log.info('draining: asking the worker to checkpoint and stop');
    if (this.worker.connected) this.worker.send({ type: 'drain' });
    else if (!this.worker.running) this.enqueue(() => this.reporter.release('drained before the worker started'));
    const timer = setTimeout(() => {
      if (this.ending || !this.worker.running) return;
      this.log.warn({ timeoutMs: this.deps.config.drainTimeoutMs }, 'worker did not stop in time; killing it');
      this.worker.kill();
    }, this.deps.config.drainTimeoutMs);
    timer.unref();
  }

  /**
   * Shutdown could not finish in time (the API is unreachable): stop everything and leave the
   * spool and job record on disk; the next start replays them and hands the job back.
   */
  abandon(): void {
    if (this.ending) return;
    this.stopReason ??= 'abandon';
    this.ending = 'abandoned';
    this.stopped.abort();
    this.worker.kill();
    void this.pipeline.stop().finally(() => {
      this.spool.close();
      this.log.warn({ pendingBatches: this.spool.pendingCount }, 'job abandoned at shutdown; its spool is replayed on the next start');
      this.resolveDone('abandoned');
    });
  }

  /** What the job is doing, for logs and the heartbeat. */
  get status(): { jobId: string; step: number | null; phase: string | null } {
    const progress = this.worker.progress;
    return { jobId: this.claim.jobId, step: progress?.step ?? null, phase: progress?.phase ?? null };
  }

  private async launch(): Promise<void> {
    const job = await prepareWorkerJob(this.job, (step) => (this.reporter.lastCheckpointStep = step));
    if (this.stopReason || this.ending) return;
    if (this.draining) {
      this.enqueue(() => this.reporter.release('drained before the worker started'));
      return;
    }
    this.worker.start(job);
  }

  /** API work, one task at a time in arrival order; nothing runs once the job stops or is decided. */
  private enqueue(task: () => Promise<void>, options: { failure?: boolean } = {}): void {
    this.chain = this.chain.then(async () => {
      if (this.stopReason || this.ending) return;
      // After a failed report (say, evaluations the API refused), the worker's 'done' may already
      // be queued behind it: completing the job would pass off the run as whole.
      if (this.failing && !options.failure) return;
      try {
        await task();
      } catch (error) {
        if (isLeaseLost(error)) this.leaseLost(error as Error);
        else if (isAborted(error)) return;
        else if (options.failure) {
          // Even the failure was refused: stop here; the lease runs out and the reaper decides.
          this.log.error({ error: errorMessage(error) }, 'could not report the job as failed; leaving it to the lease reaper');
          this.finish('failed');
        } else this.fatal(error);
      }
    });
  }

  // ------------------------------------------------------------------------------------------
  // Endings

  /** The server cancelled the run: stop the worker; the job is closed with releaseJob, nothing else is written. */
  private cancel(): void {
    if (this.stopReason || this.ending) return;
    this.stopReason = 'cancel';
    this.log.info('run cancelled: stopping the worker');
    this.worker.kill();
    void (async () => {
      await this.pipeline.stop();
      try {
        await this.deps.protocol.releaseJob(this.lease, { attempts: 5 });
      } catch (error) {
        if (!isLeaseLost(error)) this.log.warn({ error: errorMessage(error) }, 'could not close the cancelled job; the server reaps it when its lease expires');
      }
      this.finish('cancelled');
    })();
  }

  /** Someone else holds the job now (or it ended): stop at once and write nothing more. */
  private leaseLost(error: Error): void {
    if (this.stopReason || this.ending) return;
    this.stopReason = 'lease-lost';
    this.log.warn({ error: error.message }, 'lease lost: stopping the worker; nothing more is written');
    this.worker.kill();
    void this.pipeline.stop().then(() => this.finish('lease-lost'));
  }

  /**
   * An error on our side (not the worker's): a retryable failure, unless the job itself cannot
   * run or the API refused what the job produced (it would refuse it again).
   */
  private fatal(error: unknown): void {
    if (this.stopReason || this.ending || this.failing) return;
    this.failing = true;
    const permanent = error instanceof UnrunnableJobError || isRefused(error);
    this.log.error({ error: errorMessage(error), retryable: !permanent }, 'job supervision failed');
    this.worker.kill();
    this.worker.finalMessage = 'failed';
    const message = error instanceof UnrunnableJobError ? errorMessage(error)
      : isRefused(error) ? `the API refused the job's report: ${errorMessage(error)}`
      : `agent error while running the job: ${errorMessage(error)}`;
    this.enqueue(() => this.reporter.fail(message, !permanent), { failure: true });
  }

  private finish(outcome: JobOutcome): void {
    if (this.ending) return;
    this.ending = outcome;
    this.stopped.abort();
    if (this.worker.running) this.worker.kill();
    void this.pipeline.stop().finally(() => {
      const keepSpool = outcome === 'released' && this.spool.pendingCount > 0;
      if (keepSpool) this.spool.close();
      else {
        this.spool.remove();
        fs.rmSync(this.dir, { recursive: true, force: true });
      }
      this.log.info({ outcome, lastCheckpointStep: this.reporter.lastCheckpointStep, metrics: this.pipeline.stats }, 'job finished');
      this.resolveDone(outcome);
    });
  }
}
