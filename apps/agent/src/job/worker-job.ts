// From a claim to what the worker runs: the checkpoints it resumes or compares from, fetched
// into this host's artifact cache, and (for training) the directory it writes checkpoints to.
import fs from 'node:fs';
import path from 'node:path';
import type { WorkerJob } from '../worker/messages.js';
import { fetchArtifact } from './artifacts.js';
import type { JobContext } from './context.js';

/** A claim this agent cannot run as given (retrying would fail the same way). */
export class UnrunnableJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnrunnableJobError';
  }
}

/** `onResume` is told the checkpoint step a TRAIN job resumes from, once its file is here. */
export async function prepareWorkerJob(job: JobContext, onResume: (step: number) => void): Promise<WorkerJob> {
  const { claim, deps, log } = job;
  const fetch = (sha256: string) => fetchArtifact(sha256, deps.config.workDir, deps.protocol, job.signal);
  const backend = claim.backend ?? deps.defaultBackend;
  if (claim.kind === 'COMPARE') {
    const mine = claim.latestCheckpoint;
    const other = claim.otherCheckpoint;
    if (!claim.otherRunId || !mine || !other) {
      throw new UnrunnableJobError(
        `COMPARE job needs the final checkpoints of both runs; the claim carries ${mine ? `run ${claim.runId}'s (step ${mine.step})` : 'none for this run'} and ${other ? 'the other run\'s' : 'none for the other run'}`,
      );
    }
    return {
      kind: 'COMPARE', jobId: claim.jobId, runId: claim.runId, otherRunId: claim.otherRunId, config: claim.config, backend,
      checkpoint: await fetch(mine.sha256), otherCheckpoint: await fetch(other.sha256),
    };
  }
  let resumeFrom: string | null = null;
  const checkpoint = claim.latestCheckpoint;
  if (checkpoint) {
    resumeFrom = await fetch(checkpoint.sha256);
    onResume(checkpoint.step);
    log.info({ step: checkpoint.step, sha256: checkpoint.sha256 }, 'resuming from checkpoint');
  }
  const checkpointDir = path.join(job.dir, 'checkpoints');
  fs.mkdirSync(checkpointDir, { recursive: true });
  return { kind: 'TRAIN', jobId: claim.jobId, runId: claim.runId, config: claim.config, backend, resumeFrom, checkpointDir };
}
