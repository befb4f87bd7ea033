// Cancelling runs and their jobs, in the caller's transaction (cancelRun, cancelSweep).
import type pg from 'pg';
import type { ChangedJob, ChangedRun } from './events.js';

/**
 * Cancels the runs matching `runCondition` (SQL over `runs r`) that are still QUEUED or RUNNING:
 * queued jobs become CANCELLED (no longer claimable), a running job gets cancelRequested (its
 * agent sees it on the next heartbeat and stops). Jobs are locked before runs, the order claimJob
 * uses. Returns what changed, to publish after commit.
 */
export async function cancelRunsWhere(client: pg.PoolClient, runCondition: string, values: unknown[]): Promise<{ runs: ChangedRun[]; jobs: ChangedJob[] }> {
  const jobs = (await client.query<ChangedJob>(
    `UPDATE jobs j SET status = CASE WHEN j.status = 'QUEUED' THEN 'CANCELLED'::"JobStatus" ELSE j.status END,
            cancel_requested = true, updated_at = now()
     WHERE j.status IN ('QUEUED', 'RUNNING') AND j.run_id IN (SELECT r.id FROM runs r WHERE ${runCondition} AND r.status IN ('QUEUED', 'RUNNING'))
     RETURNING j.id, j.run_id AS "runId", j.status::text AS status`, values)).rows;
  const runs = (await client.query<ChangedRun>(
    `UPDATE runs r SET status = 'CANCELLED', finished_at = COALESCE(r.finished_at, now()), updated_at = now()
     WHERE ${runCondition} AND r.status IN ('QUEUED', 'RUNNING')
     RETURNING r.id, r.sweep_id AS "sweepId", r.status::text AS status`, values)).rows;
  return { runs, jobs };
}
