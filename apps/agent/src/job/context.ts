// What the parts of one job's supervision share: the claim and its lease, the daemon's
// dependencies, the metrics pipeline, and the coordinator's view of how far the job has got.
import type { AgentConfig } from '../env.js';
import type { Slot } from '../inventory.js';
import type { Logger } from '../logger.js';
import type { MetricsPipeline } from '../metrics-pipeline.js';
import type { AgentProtocol, ClaimedJob, Lease } from '../protocol/operations.js';

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

export interface JobContext {
  readonly claim: ClaimedJob;
  readonly lease: Lease;
  readonly deps: RunnerDeps;
  /** The daemon's logger, bound to the job, run, attempt and slot. */
  readonly log: Logger;
  /** The job's directory (job record, spool, checkpoints). */
  readonly dir: string;
  readonly pipeline: MetricsPipeline;
  /** Aborted once the job is decided (or abandoned): API calls in flight and the loops stop. */
  readonly signal: AbortSignal;
  /** Cancelled, lease lost or abandoned: the worker is being stopped; later events change nothing. */
  stopping(): boolean;
  /** A graceful drain began. */
  draining(): boolean;
  /** Queues API work; tasks run one at a time, in arrival order, until the job is decided. */
  enqueue(task: () => Promise<void>): void;
}
