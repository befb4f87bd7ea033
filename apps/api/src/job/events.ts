// Status-change events for subscriptions (the dashboard's live queue and run views). Published
// after commit, so a subscriber that reacts by reading sees the new state.
import type { AppServices } from '../context.js';
import { Topics } from '../events/pubsub.js';
import type { Row } from '../common/columns.js';

export interface StatusChange {
  jobId: string;
  runId: string;
  sweepId: string | null;
  jobStatus: string;
  /** The run's new status, or null when the run did not change (COMPARE jobs leave it alone). */
  runStatus: string | null;
}

export function publishStatusChange(app: AppServices, change: StatusChange): void {
  app.pubsub.publish(Topics.queue, { jobId: change.jobId, runId: change.runId, status: change.jobStatus });
  if (change.runStatus !== null) {
    app.pubsub.publish(Topics.runStatus, { runId: change.runId, sweepId: change.sweepId, status: change.runStatus });
  }
}

/** A job whose status changed (as RETURNING gives it). */
export interface ChangedJob {
  id: Row<'jobs'>['id'];
  runId: Row<'jobs'>['run_id'];
  status: Row<'jobs'>['status'];
}

/** A run whose status changed. */
export interface ChangedRun {
  id: Row<'runs'>['id'];
  sweepId: Row<'runs'>['sweep_id'];
  status: Row<'runs'>['status'];
}

/** Publishes changed jobs (queue) and runs (run status) after their transaction committed. */
export function publishChanges(app: AppServices, runs: readonly ChangedRun[], jobs: readonly ChangedJob[]): void {
  for (const job of jobs) app.pubsub.publish(Topics.queue, { jobId: job.id, runId: job.runId, status: job.status });
  for (const run of runs) app.pubsub.publish(Topics.runStatus, { runId: run.id, sweepId: run.sweepId, status: run.status });
}
