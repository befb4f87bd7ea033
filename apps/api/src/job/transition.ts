// What a job operation changed: returned to the caller and published to subscribers.
import type { AppServices } from '../context.js';
import { publishStatusChange } from './events.js';
import type { Row } from '../common/columns.js';

/** A job after a transition, with its run's new status (null: the run was left alone), as TRANSITION_SELECT reads it. */
export type TransitionRow = Pick<Row<'jobs'>, 'id' | 'run_id' | 'attempts' | 'max_attempts' | 'not_before' | 'last_error'> & {
  sweep_id: Row<'runs'>['sweep_id'];
  job_status: Row<'jobs'>['status'];
  run_status: Row<'runs'>['status'] | null;
};

export interface Transition {
  jobId: string;
  runId: string;
  sweepId: string | null;
  status: TransitionRow['job_status'];
  /** The run's new status; null when the run was left alone (COMPARE jobs). */
  runStatus: string | null;
  attempts: number;
  maxAttempts: number;
  notBefore: Date;
  lastError: string | null;
}

/**
 * What a failed or requeued TRAIN job does to its run (failJob and the lease reaper): the run
 * follows the job's status, keeps the error (and `divergence`, a jsonb SQL expression, when the
 * failure was one) when it FAILED, and is unfinished again when QUEUED.
 * `j` is the updated jobs row; COMPARE jobs leave their runs alone.
 */
export const runAfterFailure = (divergence = 'NULL::jsonb'): string => `run_update AS (
  UPDATE runs r
  SET status = j.status::text::"RunStatus",
      error = CASE WHEN j.status = 'FAILED' THEN j.last_error ELSE r.error END,
      divergence = CASE WHEN j.status = 'FAILED' THEN ${divergence} ELSE r.divergence END,
      finished_at = CASE WHEN j.status = 'QUEUED' THEN NULL ELSE now() END,
      updated_at = now()
  FROM j
  WHERE r.id = j.run_id AND j.kind = 'TRAIN'
  RETURNING r.id, r.sweep_id, r.status
)`;

/**
 * The tail every status-changing statement shares: `j` is the updated jobs row, `run_update`
 * the updated run (TRAIN jobs only).
 */
export const TRANSITION_SELECT = `
SELECT j.id, j.run_id, coalesce(ru.sweep_id, r.sweep_id) AS sweep_id, j.status::text AS job_status, ru.status::text AS run_status,
       j.attempts, j.max_attempts, j.not_before, j.last_error
FROM j
JOIN runs r ON r.id = j.run_id
LEFT JOIN run_update ru ON ru.id = j.run_id`;

export function toTransition(app: AppServices, row: TransitionRow): Transition {
  const transition: Transition = {
    jobId: row.id,
    runId: row.run_id,
    sweepId: row.sweep_id,
    status: row.job_status,
    runStatus: row.run_status,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    notBefore: row.not_before,
    lastError: row.last_error,
  };
  publishStatusChange(app, { jobId: row.id, runId: row.run_id, sweepId: row.sweep_id, jobStatus: row.job_status, runStatus: row.run_status });
  return transition;
}
