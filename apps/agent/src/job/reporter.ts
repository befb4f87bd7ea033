// Reporting a job to the API under its lease: checkpoints (uploaded, registered, then kept in
// this host's artifact cache), evaluations, and the job's end with completeJob / failJob /
// releaseJob. Every call first flushes the metrics received before it (the resumption invariant
// in job-runner.ts); the coordinator runs these one at a time through its queue.
import fs from 'node:fs';
import type { Divergence, FromWorker } from '../worker/messages.js';
import { cacheArtifact } from './artifacts.js';
import type { JobContext, JobOutcome } from './context.js';

export interface ReporterHooks {
  /** The backend the worker loaded (from its 'started' message), or null before that. */
  backend(): string | null;
  /** The server has the job's end: the coordinator finishes with this outcome. */
  finish(outcome: JobOutcome): void;
}

export class JobReporter {
  /** The step of the checkpoint the job resumed from or last registered. */
  lastCheckpointStep: number | null = null;
  private pendingCheckpoints = 0;
  private evaluationsReported = 0;

  constructor(
    private readonly job: JobContext,
    private readonly hooks: ReporterHooks,
  ) {}

  /** The worker wrote a checkpoint; its registration is queued. */
  checkpointQueued(): void {
    this.pendingCheckpoints += 1;
  }

  async registerCheckpoint(message: Extract<FromWorker, { type: 'checkpoint' }>): Promise<void> {
    const { deps, lease, log, pipeline, signal } = this.job;
    this.pendingCheckpoints -= 1;
    if (this.pendingCheckpoints > 0 && !this.job.draining()) {
      // A newer checkpoint is already queued: registering this one would only delay it.
      log.debug({ step: message.step }, 'checkpoint superseded before upload; skipped');
      fs.rmSync(message.file, { force: true });
      return;
    }
    await pipeline.flush();
    const started = Date.now();
    const stored = await deps.protocol.client.putArtifact(message.sha256, message.file, lease, { attempts: Infinity, signal });
    const uri = typeof stored?.uri === 'string' ? stored.uri : null;
    await deps.protocol.registerCheckpoint(lease, { step: message.step, sha256: message.sha256, bytes: message.bytes, uri }, { signal });
    this.lastCheckpointStep = message.step;
    // Keep the newest checkpoint in this host's artifact cache: a re-claim here skips the download.
    cacheArtifact(deps.config.workDir, message.file, message.sha256);
    log.info({ step: message.step, sha256: message.sha256, bytes: message.bytes, ms: Date.now() - started }, 'checkpoint registered');
  }

  async reportEvaluation(message: Extract<FromWorker, { type: 'evaluation' }>): Promise<void> {
    const { deps, lease, log, signal } = this.job;
    let stored = 0;
    for (let i = 0; i < message.evaluations.length; i += 2_000) {
      stored += await deps.protocol.reportEvaluation(lease, message.step, message.evaluations.slice(i, i + 2_000), { signal });
    }
    for (const matrix of message.similarities) stored += await deps.protocol.reportSimilarity(lease, message.step, matrix, { signal });
    if (message.patchDiagnostics.length) stored += await deps.protocol.reportPatchDiagnostics(lease, message.step, message.patchDiagnostics, { signal });
    this.evaluationsReported += stored;
    log.info({ step: message.step, evaluations: message.evaluations.length, similarities: message.similarities.length, patchDiagnostics: message.patchDiagnostics.length }, 'evaluation reported');
  }

  // ------------------------------------------------------------------------------------------
  // Endings

  async complete(summary: Record<string, unknown>): Promise<void> {
    const { deps, lease, log, pipeline, signal } = this.job;
    await pipeline.flush();
    const full = { ...summary, metrics: { ...pipeline.stats }, evaluationsStored: this.evaluationsReported, backend: this.hooks.backend() };
    const transition = await deps.protocol.completeJob(lease, full, { signal });
    log.info({ status: transition.status, runStatus: transition.runStatus }, 'job completed');
    this.hooks.finish(transition.status === 'CANCELLED' ? 'cancelled' : 'succeeded');
  }

  async fail(error: string, retryable: boolean, divergence?: Divergence): Promise<void> {
    const { deps, lease, log, pipeline, signal } = this.job;
    await pipeline.flush();
    const transition = await deps.protocol.failJob(lease, error, retryable, { signal }, divergence);
    log.warn({ status: transition.status, attempts: transition.attempts, retryable }, 'job failure reported');
    this.hooks.finish(transition.status === 'CANCELLED' ? 'cancelled' : 'failed');
  }

  async release(reason: string): Promise<void> {
    const { deps, lease, log, pipeline, signal } = this.job;
    await pipeline.flush();
    const transition = await deps.protocol.releaseJob(lease, { signal });
    log.info({ reason, status: transition.status, attempts: transition.attempts, checkpointStep: this.lastCheckpointStep }, 'job released to the queue');
    this.hooks.finish(transition.status === 'CANCELLED' ? 'cancelled' : 'released');
  }
}
