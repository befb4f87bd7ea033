// Supervises one claimed job: a worker child process trains (or compares), this side holds the
// lease. It heartbeats, spools and sends metrics, uploads and registers checkpoints, reports
// evaluations, and ends the job with completeJob / failJob / releaseJob. A crash, an OOM or a
// cancel kills only the child. Once the lease is lost, nothing more is written.
//
// Invariant that makes resumption exact: a checkpoint at step S is registered only after every
// metric point received before it (so every step ≤ S) has been acknowledged by the server. A
// job re-claimed from that checkpoint re-emits steps > S, which the server stores or — where
// the old holder got them in first — counts as duplicates.
import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { AgentConfig } from './env.js';
import type { Slot } from './inventory.js';
import type { Logger } from './logger.js';
import { MetricsPipeline } from './metrics-pipeline.js';
import { AbortedError, isLeaseLost } from './protocol/client.js';
import type { AgentProtocol, ClaimedJob, Lease } from './protocol/operations.js';
import { Spool, fsyncDir, type MetricPoint } from './spool.js';
import { CpuMeter, sampleSystem } from './sysmetrics.js';
import { errorMessage, sleep } from './util.js';
import type { Divergence, FromWorker, ToWorker, WorkerJob } from './worker/messages.js';

export type JobOutcome = 'succeeded' | 'failed' | 'cancelled' | 'lease-lost' | 'released' | 'abandoned';

export interface RunnerDeps {
  config: AgentConfig;
  protocol: AgentProtocol;
  log: Logger;
  slot: Slot;
  /** The compiled worker entry (dist/worker/main.js). */
  workerPath: string;
  /** The backend this agent runs jobs on when the claim names none. */
  defaultBackend: string;
  /** The environment worker processes inherit (the daemon's own). */
  env: NodeJS.ProcessEnv;
}

/** The record kept next to a job's spool, so that a restarted daemon can replay and hand back. */
export interface JobRecord {
  jobId: string;
  runId: string;
  kind: 'TRAIN' | 'COMPARE';
  fencingToken: string;
  claimedAt: string;
  /** 'draining' once a graceful drain began: a restarted daemon then releases the job rather than failing it. */
  state: 'running' | 'draining';
}

const STDERR_TAIL = 4_000;

/** A claim this agent cannot run as given (retrying would fail the same way). */
export class UnrunnableJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnrunnableJobError';
  }
}

export function jobDir(workDir: string, jobId: string): string {
  return path.join(workDir, 'jobs', jobId);
}

export function artifactDir(workDir: string): string {
  return path.join(workDir, 'artifacts');
}

export function writeJobRecord(dir: string, record: JobRecord): void {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'job.json');
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(record, null, 2) + '\n', { mode: 0o600 });
  const fd = fs.openSync(`${file}.tmp`, 'r+');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(`${file}.tmp`, file);
  fsyncDir(dir);
}

export function sha256File(file: string): string {
  const hash = crypto.createHash('sha256');
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
    }
  } finally {
    fs.closeSync(fd);
  }
  return hash.digest('hex');
}

export class JobRunner {
  readonly lease: Lease;
  readonly done: Promise<JobOutcome>;
  private readonly log: Logger;
  private readonly dir: string;
  private readonly spool: Spool;
  private readonly pipeline: MetricsPipeline;
  private child: ChildProcess | null = null;
  private chain: Promise<void> = Promise.resolve();
  /** Set once the job is decided; later events change nothing. */
  private ending: JobOutcome | null = null;
  private stopReason: 'cancel' | 'lease-lost' | 'abandon' | null = null;
  private draining = false;
  private finalMessage: FromWorker['type'] | null = null;
  private stderrTail = '';
  private progress: { step: number; totalSteps: number | null; phase: string } | null = null;
  /** The worker's GPU memory (webgpu), from its latest progress message. */
  private gpuMemoryMb: { inUse: number; allocated: number } | null = null;
  private backend: string | null = null;
  private readonly stopped = new AbortController();
  private resolveDone!: (outcome: JobOutcome) => void;
  private lastCheckpointStep: number | null = null;
  private pendingCheckpoints = 0;
  private evaluationsReported = 0;
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
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Starts the job; `done` resolves with how it ended. Never rejects. */
  start(): Promise<JobOutcome> {
    this.pipeline.start();
    void this.heartbeatLoop();
    void this.systemMetricsLoop();
    this.launch().catch((error) => this.fatal(error));
    return this.done;
  }

  /** Graceful drain: ask the worker to checkpoint and stop, then hand the job back. */
  drain(): void {
    if (this.draining || this.ending) return;
    this.draining = true;
    writeJobRecord(this.dir, { ...this.record, state: 'draining' });
    this.log.info('draining: asking the worker to checkpoint and stop');
    if (this.child?.connected) this.send({ type: 'drain' });
    else if (!this.child) this.enqueue(() => this.release('drained before the worker started'));
    const timer = setTimeout(() => {
      if (this.ending || !this.child) return;
      this.log.warn({ timeoutMs: this.deps.config.drainTimeoutMs }, 'worker did not stop in time; killing it');
      this.kill();
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
    this.kill();
    void this.pipeline.stop().finally(() => {
      this.spool.close();
      this.log.warn({ pendingBatches: this.spool.pendingCount }, 'job abandoned at shutdown; its spool is replayed on the next start');
      this.resolveDone('abandoned');
    });
  }

  /** What the job is doing, for logs and the heartbeat. */
  get status(): { jobId: string; step: number | null; phase: string | null } {
    return { jobId: this.claim.jobId, step: this.progress?.step ?? null, phase: this.progress?.phase ?? null };
  }

  // ------------------------------------------------------------------------------------------
  // Launch

  private async launch(): Promise<void> {
    const job = await this.prepare();
    if (this.stopReason || this.ending) return;
    if (this.draining) {
      this.enqueue(() => this.release('drained before the worker started'));
      return;
    }
    const env: NodeJS.ProcessEnv = { ...this.deps.env };
    if (this.deps.slot.kind === 'gpu') env.CUDA_VISIBLE_DEVICES = String(this.deps.slot.index);
    else env.CUDA_VISIBLE_DEVICES = '';
    // Its own process group (detached): a Ctrl-C on the daemon's terminal reaches the daemon
    // only, which then drains; the worker exits by itself if the daemon dies (IPC disconnect).
    const child = fork(this.deps.workerPath, [], {
      env,
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
      serialization: 'advanced',
      detached: true,
    });
    this.child = child;
    child.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      this.stderrTail = (this.stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL);
    });
    child.on('message', (message: FromWorker) => this.onMessage(message));
    child.on('error', (error) => this.log.error({ error: error.message }, 'worker process error'));
    child.on('close', (code, signal) => this.onExit(code, signal));
    this.log.info({ pid: child.pid, kind: job.kind, backend: job.backend, resumeFrom: job.kind === 'TRAIN' ? this.claim.latestCheckpoint?.step ?? null : null }, 'worker started');
    this.send({ type: 'run', job, logLevel: this.deps.config.logLevel });
  }

  private async prepare(): Promise<WorkerJob> {
    const backend = this.claim.backend ?? this.deps.defaultBackend;
    if (this.claim.kind === 'COMPARE') {
      const mine = this.claim.latestCheckpoint;
      const other = this.claim.otherCheckpoint;
      if (!this.claim.otherRunId || !mine || !other) {
        throw new UnrunnableJobError(
          `COMPARE job needs the final checkpoints of both runs; the claim carries ${mine ? `run ${this.claim.runId}'s (step ${mine.step})` : 'none for this run'} and ${other ? 'the other run\'s' : 'none for the other run'}`,
        );
      }
      return {
        kind: 'COMPARE', jobId: this.claim.jobId, runId: this.claim.runId, otherRunId: this.claim.otherRunId, config: this.claim.config, backend,
        checkpoint: await this.fetchArtifact(mine.sha256), otherCheckpoint: await this.fetchArtifact(other.sha256),
      };
    }
    let resumeFrom: string | null = null;
    const checkpoint = this.claim.latestCheckpoint;
    if (checkpoint) {
      resumeFrom = await this.fetchArtifact(checkpoint.sha256);
      this.lastCheckpointStep = checkpoint.step;
      this.log.info({ step: checkpoint.step, sha256: checkpoint.sha256 }, 'resuming from checkpoint');
    }
    const checkpointDir = path.join(this.dir, 'checkpoints');
    fs.mkdirSync(checkpointDir, { recursive: true });
    return { kind: 'TRAIN', jobId: this.claim.jobId, runId: this.claim.runId, config: this.claim.config, backend, resumeFrom, checkpointDir };
  }

  /** A local copy of an artifact: from this host's cache, else downloaded and verified. */
  private async fetchArtifact(sha256: string): Promise<string> {
    const dir = artifactDir(this.deps.config.workDir);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, sha256);
    if (fs.existsSync(file) && sha256File(file) === sha256) return file;
    await this.deps.protocol.client.getArtifact(sha256, file, { attempts: Infinity, signal: this.stopped.signal });
    const actual = sha256File(file);
    if (actual !== sha256) {
      fs.rmSync(file, { force: true });
      throw new Error(`checkpoint ${sha256} downloaded with a different sha256 (${actual})`);
    }
    return file;
  }

  // ------------------------------------------------------------------------------------------
  // Worker messages (async work runs one at a time, in arrival order)

  private onMessage(message: FromWorker): void {
    if (this.stopReason) return;
    switch (message.type) {
      case 'metrics':
        this.pipeline.push(message.points);
        this.noteStep(message.points);
        return;
      case 'progress':
        this.progress = { step: message.step, totalSteps: message.totalSteps, phase: message.phase };
        if (message.gpuMemoryMb) this.gpuMemoryMb = message.gpuMemoryMb;
        return;
      case 'started':
        this.backend = message.backend.name;
        this.log.info({ backend: message.backend.name, tried: message.backend.tried, totalSteps: message.totalSteps }, 'worker loaded its backend');
        return;
      case 'checkpoint':
        this.pendingCheckpoints += 1;
        this.enqueue(() => this.registerCheckpoint(message));
        return;
      case 'evaluation':
        this.enqueue(() => this.reportEvaluation(message));
        return;
      case 'done':
        this.finalMessage = 'done';
        this.enqueue(() => this.complete(message.summary));
        return;
      case 'drained':
        this.finalMessage = 'drained';
        this.enqueue(() => this.release(`drained at step ${message.step ?? 'n/a'}`));
        return;
      case 'failed':
        this.finalMessage = 'failed';
        this.log.error({ error: message.error, retryable: message.retryable, code: message.code, divergence: message.divergence }, 'job failed in the worker');
        this.enqueue(() => this.fail(message.error, message.retryable, message.divergence));
        return;
      case 'probed':
        return;
    }
  }

  private noteStep(points: MetricPoint[]): void {
    let step = this.progress?.step ?? -1;
    for (const p of points) if (!p.key.startsWith('sys/') && p.step > step) step = p.step;
    if (step >= 0) this.progress = { step, totalSteps: this.progress?.totalSteps ?? null, phase: this.progress?.phase ?? 'train' };
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.child = null;
    this.log.info({ code, signal }, 'worker exited');
    if (this.stopReason || this.finalMessage) return;
    if (this.draining) {
      this.enqueue(() => this.release('drained (worker stopped without a final checkpoint)'));
      return;
    }
    const how = signal ? `was killed by ${signal}${signal === 'SIGKILL' ? ' (out of memory?)' : ''}` : `exited with code ${code}`;
    const tail = this.stderrTail.trim().split('\n').slice(-15).join('\n');
    const error = `the worker process ${how} without finishing the job${tail ? `; its last output:\n${tail}` : ''}`;
    this.log.error({ code, signal }, 'worker crashed');
    this.enqueue(() => this.fail(error, true));
  }

  private enqueue(task: () => Promise<void>): void {
    this.chain = this.chain.then(async () => {
      if (this.stopReason || this.ending) return;
      try {
        await task();
      } catch (error) {
        if (isLeaseLost(error)) this.leaseLost(error as Error);
        else if (!(error instanceof AbortedError)) this.fatal(error);
      }
    });
  }

  private async registerCheckpoint(message: Extract<FromWorker, { type: 'checkpoint' }>): Promise<void> {
    this.pendingCheckpoints -= 1;
    if (this.pendingCheckpoints > 0 && !this.draining) {
      // A newer checkpoint is already queued: registering this one would only delay it.
      this.log.debug({ step: message.step }, 'checkpoint superseded before upload; skipped');
      fs.rmSync(message.file, { force: true });
      return;
    }
    await this.pipeline.flush();
    const started = Date.now();
    const stored = await this.deps.protocol.client.putArtifact(message.sha256, message.file, this.lease, { attempts: Infinity, signal: this.stopped.signal });
    const uri = typeof stored?.uri === 'string' ? stored.uri : null;
    await this.deps.protocol.registerCheckpoint(this.lease, { step: message.step, sha256: message.sha256, bytes: message.bytes, uri }, { signal: this.stopped.signal });
    this.lastCheckpointStep = message.step;
    // Keep the newest checkpoint in this host's artifact cache: a re-claim here skips the download.
    const cache = artifactDir(this.deps.config.workDir);
    fs.mkdirSync(cache, { recursive: true });
    fs.renameSync(message.file, path.join(cache, message.sha256));
    this.log.info({ step: message.step, sha256: message.sha256, bytes: message.bytes, ms: Date.now() - started }, 'checkpoint registered');
  }

  private async reportEvaluation(message: Extract<FromWorker, { type: 'evaluation' }>): Promise<void> {
    const signal = this.stopped.signal;
    let stored = 0;
    for (let i = 0; i < message.evaluations.length; i += 2_000) {
      stored += await this.deps.protocol.reportEvaluation(this.lease, message.step, message.evaluations.slice(i, i + 2_000), { signal });
    }
    for (const matrix of message.similarities) stored += await this.deps.protocol.reportSimilarity(this.lease, message.step, matrix, { signal });
    if (message.patchDiagnostics.length) stored += await this.deps.protocol.reportPatchDiagnostics(this.lease, message.step, message.patchDiagnostics, { signal });
    this.evaluationsReported += stored;
    this.log.info({ step: message.step, evaluations: message.evaluations.length, similarities: message.similarities.length, patchDiagnostics: message.patchDiagnostics.length }, 'evaluation reported');
  }

  // ------------------------------------------------------------------------------------------
  // Endings

  private async complete(summary: Record<string, unknown>): Promise<void> {
    await this.pipeline.flush();
    const full = { ...summary, metrics: { ...this.pipeline.stats }, evaluationsStored: this.evaluationsReported, backend: this.backend };
    const transition = await this.deps.protocol.completeJob(this.lease, full, { signal: this.stopped.signal });
    this.log.info({ status: transition.status, runStatus: transition.runStatus }, 'job completed');
    this.finish(transition.status === 'CANCELLED' ? 'cancelled' : 'succeeded');
  }

  private async fail(error: string, retryable: boolean, divergence?: Divergence): Promise<void> {
    await this.pipeline.flush();
    const transition = await this.deps.protocol.failJob(this.lease, error, retryable, { signal: this.stopped.signal }, divergence);
    this.log.warn({ status: transition.status, attempts: transition.attempts, retryable }, 'job failure reported');
    this.finish(transition.status === 'CANCELLED' ? 'cancelled' : 'failed');
  }

  private async release(reason: string): Promise<void> {
    await this.pipeline.flush();
    const transition = await this.deps.protocol.releaseJob(this.lease, { signal: this.stopped.signal });
    this.log.info({ reason, status: transition.status, attempts: transition.attempts, checkpointStep: this.lastCheckpointStep }, 'job released to the queue');
    this.finish(transition.status === 'CANCELLED' ? 'cancelled' : 'released');
  }

  /** The server cancelled the run: stop the worker; the job is closed with releaseJob, nothing else is written. */
  private cancel(): void {
    if (this.stopReason || this.ending) return;
    this.stopReason = 'cancel';
    this.log.info('run cancelled: stopping the worker');
    this.kill();
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
    this.kill();
    void this.pipeline.stop().then(() => this.finish('lease-lost'));
  }

  /** An error on our side (not the worker's): a retryable failure, unless the job itself cannot run. */
  private fatal(error: unknown): void {
    if (this.stopReason || this.ending) return;
    const unrunnable = error instanceof UnrunnableJobError;
    this.log.error({ error: errorMessage(error), retryable: !unrunnable }, 'job supervision failed');
    this.kill();
    this.finalMessage = 'failed';
    this.enqueue(() => this.fail(unrunnable ? errorMessage(error) : `agent error while running the job: ${errorMessage(error)}`, !unrunnable));
  }

  private finish(outcome: JobOutcome): void {
    if (this.ending) return;
    this.ending = outcome;
    this.stopped.abort();
    if (this.child) this.kill();
    void this.pipeline.stop().finally(() => {
      const keepSpool = outcome === 'released' && this.spool.pendingCount > 0;
      if (keepSpool) this.spool.close();
      else {
        this.spool.remove();
        fs.rmSync(this.dir, { recursive: true, force: true });
      }
      this.log.info({ outcome, lastCheckpointStep: this.lastCheckpointStep, metrics: this.pipeline.stats }, 'job finished');
      this.resolveDone(outcome);
    });
  }

  private send(message: ToWorker): void {
    try {
      this.child?.send(message);
    } catch (error) {
      this.log.warn({ error: errorMessage(error) }, 'could not message the worker');
    }
  }

  /** SIGTERM to the worker's process group, SIGKILL after the grace period. */
  private kill(): void {
    const child = this.child;
    if (!child?.pid) return;
    const pid = child.pid;
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-pid, signal);
      } catch {
        try {
          child.kill(signal);
        } catch {
          // already gone
        }
      }
    };
    signalGroup('SIGTERM');
    const timer = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) signalGroup('SIGKILL');
    }, this.deps.config.killGraceMs);
    timer.unref();
  }

  // ------------------------------------------------------------------------------------------
  // Background loops

  /** Heartbeat interval: a third of the lease, between 200 ms and 5 s (cancel latency). */
  private heartbeatInterval(leaseExpiresAt: string): number {
    const remaining = Date.parse(leaseExpiresAt) - Date.now();
    if (!Number.isFinite(remaining) || remaining <= 0) return 1_000;
    return Math.max(200, Math.min(5_000, remaining / 3));
  }

  private async heartbeatLoop(): Promise<void> {
    const signal = this.stopped.signal;
    let interval = this.heartbeatInterval(this.claim.leaseExpiresAt);
    let beat = 0;
    while (!signal.aborted && !this.stopReason) {
      await sleep(beat++ === 0 ? Math.min(interval, 500) : interval, signal);
      if (signal.aborted || this.stopReason) return;
      try {
        const progress = this.progress ? { ...this.progress, checkpointStep: this.lastCheckpointStep, pendingBatches: this.pipeline.pendingBatches } : null;
        const result = await this.deps.protocol.heartbeat(this.lease, progress, this.backend, { signal });
        interval = this.heartbeatInterval(result.leaseExpiresAt);
        if (result.cancelRequested) this.cancel();
      } catch (error) {
        if (signal.aborted || error instanceof AbortedError) return;
        if (isLeaseLost(error)) this.leaseLost(error as Error);
        else this.log.warn({ error: errorMessage(error) }, 'heartbeat failed; the worker keeps going and metrics stay spooled');
      }
    }
  }

  private async systemMetricsLoop(): Promise<void> {
    const period = this.deps.config.systemMetricsMs;
    if (period <= 0) return;
    const signal = this.stopped.signal;
    const cpu = new CpuMeter();
    while (!signal.aborted) {
      await sleep(period, signal);
      if (signal.aborted || this.stopReason || !this.progress) continue;
      const samples = await sampleSystem(cpu, this.child?.pid, this.deps.slot);
      if (this.gpuMemoryMb) {
        samples.push({ key: 'sys/gpu_memory_in_use_mb', value: this.gpuMemoryMb.inUse }, { key: 'sys/gpu_memory_allocated_mb', value: this.gpuMemoryMb.allocated });
      }
      const step = this.progress.step;
      const wallTime = Date.now();
      this.pipeline.push(samples.map((s) => ({ key: s.key, block: null, step, value: s.value, wallTime })));
    }
  }
}
