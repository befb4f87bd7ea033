// reclaimExpired: the reaper's statement. Jobs whose lease ran out (the agent crashed, lost its
// network, or hung) go back to the queue with backoff while attempts remain, else FAIL with the
// reason; a cancelled run's job ends CANCELLED. Safe with several API replicas running it at
// once: rows are taken with FOR UPDATE SKIP LOCKED and re-checked after locking, so each expired
// lease is reclaimed by exactly one of them.
import type { AppServices } from '../context.js';
import { backoffSql } from './backoff.js';
import { runAfterFailure, TRANSITION_SELECT, toTransition, type Transition, type TransitionRow } from './transition.js';

const RETRY = '(NOT j.cancel_requested AND j.attempts < j.max_attempts)';

const RECLAIM_SQL = `
WITH expired AS (
  SELECT j.id, j.lease_owner, j.lease_expires_at
  FROM jobs j
  WHERE j.status = 'RUNNING' AND j.lease_expires_at < now()
  ORDER BY j.lease_expires_at
  LIMIT $1
  FOR UPDATE OF j SKIP LOCKED
), j AS (
  UPDATE jobs j
  SET status = (CASE WHEN j.cancel_requested THEN 'CANCELLED' WHEN ${RETRY} THEN 'QUEUED' ELSE 'FAILED' END)::"JobStatus",
      not_before = CASE WHEN ${RETRY} THEN ${backoffSql('$2', '$3')} ELSE j.not_before END,
      last_error = 'lease expired at ' || to_char(e.lease_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
                   || ' on attempt ' || j.attempts || ' of ' || j.max_attempts
                   || ' (agent ' || coalesce(a.name, 'unknown') || ' stopped heartbeating)',
      lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
  FROM expired e
  LEFT JOIN agents a ON a.id = e.lease_owner
  WHERE j.id = e.id
  RETURNING j.*
), ${runAfterFailure()}${TRANSITION_SELECT}`;

/** Reclaims up to `limit` expired leases; returns what it did (each job at most once across replicas). */
export async function reclaimExpired(app: AppServices, limit = 500): Promise<Transition[]> {
  const { rows } = await app.pool.query<TransitionRow>({
    name: 'stratum_reclaim_expired',
    text: RECLAIM_SQL,
    values: [limit, app.config.BACKOFF_BASE_SECONDS, app.config.BACKOFF_MAX_SECONDS],
  });
  return rows.map((row) => toTransition(app, row));
}
