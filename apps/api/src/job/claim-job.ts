// claimJob: hand the best runnable job to an agent, in one statement.
// Runnable = QUEUED, notBefore passed, not cancelled, requirements met by the agent's offer.
// Claim order = priority (high first), then eligibility time (notBefore, which is the creation
// time until a retry pushes it back), then creation time — the order of the
// (status, priority DESC, not_before) index, so the scan stops at the first unlocked match.
// `FOR UPDATE SKIP LOCKED` lets any number of agents (and API replicas) claim concurrently:
// each sees a different row, and a row another claimer has just taken is re-checked against
// the WHERE clause after its lock is released, so it is never claimed twice.
import type { AppServices } from '../context.js';
import { publishStatusChange } from './events.js';
import type { Row } from '../common/columns.js';

export interface Capabilities {
  backends: string[];
  /** The agent's devices (their number counts against requirements.devices). */
  deviceCount: number;
  labels: Record<string, unknown>;
  gpu: boolean;
}

/** A claimed job with its run and the checkpoints it starts from (ck_: its own run's latest,
 * ock_: the other run's, for COMPARE jobs), column by column as CLAIM_SQL selects them. */
export type ClaimedRow =
  Pick<Row<'jobs'>, 'id' | 'run_id' | 'other_run_id' | 'kind' | 'fencing_token' | 'attempts' | 'max_attempts' | 'priority' | 'progress' | 'requirements'>
  & { lease_expires_at: NonNullable<Row<'jobs'>['lease_expires_at']> }
  & Pick<Row<'runs'>, 'sweep_id' | 'project_id' | 'config' | 'backend'> & { run_name: Row<'runs'>['name'] }
  & CheckpointColumns<'ck'> & CheckpointColumns<'ock'>;

/** A checkpoint's columns under a prefix, null when there is none; bytes as text. */
type CheckpointColumns<P extends string> = {
  [C in 'step' | 'sha256' | 'uri' | 'bytes' as `${P}_${C}`]: (C extends 'bytes' ? string : Row<'checkpoints'>[C]) | null;
};

/** A job's requirement list of backends is met when it is absent/empty or shares one with the offer. */
const BACKENDS_MET = (requirements: string, offer: string) => `(jsonb_typeof(${requirements} -> 'backends') IS DISTINCT FROM 'array'
      OR jsonb_array_length(${requirements} -> 'backends') = 0
      OR (${requirements} -> 'backends') ?| ${offer})`;

const CLAIM_SQL = `
WITH candidate AS (
  SELECT j.id
  FROM jobs j
  JOIN runs r ON r.id = j.run_id
  WHERE j.status = 'QUEUED'
    AND j.not_before <= now()
    AND NOT j.cancel_requested
    AND r.status <> 'CANCELLED'
    AND ${BACKENDS_MET('j.requirements', '$3::text[]')}
    AND (jsonb_typeof(j.requirements -> 'labels') IS DISTINCT FROM 'object' OR $4::jsonb @> (j.requirements -> 'labels'))
    AND (j.requirements -> 'gpu' IS DISTINCT FROM 'true'::jsonb OR $5::boolean)
    AND (jsonb_typeof(j.requirements -> 'devices') IS DISTINCT FROM 'number' OR (j.requirements ->> 'devices')::numeric <= $6::int)
  ORDER BY j.priority DESC, j.not_before, j.queue_order
  LIMIT 1
  FOR UPDATE OF j SKIP LOCKED
), claimed AS (
  UPDATE jobs j
  SET status = 'RUNNING', lease_owner = $1::uuid, lease_expires_at = now() + make_interval(secs => $2::int),
      fencing_token = j.fencing_token + 1, attempts = j.attempts + 1, updated_at = now(),
      -- The run's next attempt, and the checkpoint it resumes from (the one returned below): its
      -- points after that step replace earlier attempts' (see ingest.service.ts).
      run_attempt = (SELECT r.claims + 1 FROM runs r WHERE r.id = j.run_id),
      resume_step = (SELECT max(ck.step) FROM checkpoints ck WHERE ck.run_id = j.run_id)
  FROM candidate c
  WHERE j.id = c.id
  RETURNING j.*
), chosen_backend AS (
  -- The first backend in the agent's preference order that the job accepts.
  SELECT (SELECT u.b FROM unnest($3::text[]) WITH ORDINALITY AS u(b, i)
          WHERE jsonb_typeof(c.requirements -> 'backends') IS DISTINCT FROM 'array'
             OR jsonb_array_length(c.requirements -> 'backends') = 0
             OR (c.requirements -> 'backends') ? u.b
          ORDER BY u.i LIMIT 1) AS name
  FROM claimed c
), run_update AS (
  -- A TRAIN job drives its run; a COMPARE job measures finished runs and leaves them alone.
  UPDATE runs r
  SET status = 'RUNNING', started_at = coalesce(r.started_at, now()), finished_at = NULL, agent_id = $1::uuid, claims = r.claims + 1,
      backend = coalesce((SELECT name FROM chosen_backend), r.backend), updated_at = now()
  FROM claimed c
  WHERE r.id = c.run_id AND c.kind = 'TRAIN'
  RETURNING r.id, r.backend
)
SELECT c.id, c.run_id, c.other_run_id, c.kind::text AS kind, c.fencing_token::text AS fencing_token, c.lease_expires_at,
       c.attempts, c.max_attempts, c.priority, c.progress, c.requirements,
       r.name AS run_name, r.sweep_id, r.project_id, r.config,
       coalesce((SELECT backend FROM run_update), r.backend) AS backend,
       ck.step AS ck_step, ck.sha256 AS ck_sha256, ck.uri AS ck_uri, ck.bytes::text AS ck_bytes,
       ock.step AS ock_step, ock.sha256 AS ock_sha256, ock.uri AS ock_uri, ock.bytes::text AS ock_bytes
FROM claimed c
JOIN runs r ON r.id = c.run_id
LEFT JOIN LATERAL (
  SELECT step, sha256, uri, bytes FROM checkpoints WHERE run_id = c.run_id ORDER BY step DESC LIMIT 1
) ck ON true
-- COMPARE jobs also need the other run's final checkpoint.
LEFT JOIN LATERAL (
  SELECT step, sha256, uri, bytes FROM checkpoints WHERE run_id = c.other_run_id ORDER BY step DESC LIMIT 1
) ock ON c.other_run_id IS NOT NULL`;

/** Claims one job for `agentId` (already known to exist and be the caller), or returns null. */
export async function claimJob(app: AppServices, agentId: string, offer: Capabilities): Promise<ClaimedRow | null> {
  const { rows } = await app.pool.query<ClaimedRow>({
    name: 'stratum_claim_job',
    text: CLAIM_SQL,
    values: [agentId, app.config.LEASE_SECONDS, offer.backends, JSON.stringify(offer.labels), offer.gpu, offer.deviceCount],
  });
  const claimed = rows[0];
  if (!claimed) return null;
  publishStatusChange(app, {
    jobId: claimed.id,
    runId: claimed.run_id,
    sweepId: claimed.sweep_id,
    jobStatus: 'RUNNING',
    runStatus: claimed.kind === 'TRAIN' ? 'RUNNING' : null,
  });
  return claimed;
}
