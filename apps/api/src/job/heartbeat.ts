// heartbeat: extend the lease of a job the caller holds, record progress (and the backend the
// trainer actually loaded), and tell the agent whether the run was cancelled. One statement;
// the agent's own liveness is refreshed in the same statement, and subscribers hear of it.
import type { AppServices } from '../context.js';
import { Topics } from '../events/pubsub.js';
import { explainLeaseLoss, FENCE, fenceParams, type Fence } from './fence.js';
import type { Row } from '../common/columns.js';

const HEARTBEAT_SQL = `
WITH j AS (
  UPDATE jobs j
  SET lease_expires_at = now() + make_interval(secs => $4::int), progress = coalesce($5::jsonb, j.progress), updated_at = now()
  WHERE ${FENCE}
  RETURNING j.id, j.run_id, j.kind, j.lease_owner, j.lease_expires_at, j.cancel_requested
), run_backend AS (
  UPDATE runs r SET backend = $6::text, updated_at = now()
  FROM j
  WHERE r.id = j.run_id AND j.kind = 'TRAIN' AND $6::text IS NOT NULL AND r.backend IS DISTINCT FROM $6::text
  RETURNING r.id
), agent_seen AS (
  UPDATE agents a
  SET last_heartbeat_at = now(), status = CASE WHEN a.status IN ('LOST', 'OFFLINE') THEN 'ONLINE'::"AgentStatus" ELSE a.status END
  FROM j
  WHERE a.id = j.lease_owner
  RETURNING a.id
)
SELECT id, run_id, lease_owner, lease_expires_at, cancel_requested FROM j`;

export interface HeartbeatResult {
  leaseExpiresAt: Date;
  cancelRequested: boolean;
}

export async function heartbeat(app: AppServices, fence: Fence, progress: unknown, backend: string | null): Promise<HeartbeatResult> {
  const { rows } = await app.pool.query<Pick<Row<'jobs'>, 'id' | 'run_id' | 'lease_owner' | 'cancel_requested'> & { lease_expires_at: Date }>({
    name: 'stratum_heartbeat',
    text: HEARTBEAT_SQL,
    values: [...fenceParams(fence), app.config.LEASE_SECONDS, progress === null || progress === undefined ? null : JSON.stringify(progress), backend],
  });
  const row = rows[0];
  if (!row) return explainLeaseLoss(app, fence);
  // For the dashboard's live agents view: who is alive and how far its job has come.
  app.pubsub.publish(Topics.agentHeartbeat, { agentId: row.lease_owner, jobId: row.id, runId: row.run_id, progress: progress ?? null, at: new Date().toISOString() });
  return { leaseExpiresAt: row.lease_expires_at, cancelRequested: row.cancel_requested };
}
