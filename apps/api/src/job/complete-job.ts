// completeJob: the holder reports success. The run SUCCEEDS — or ends CANCELLED when a cancel
// was requested while it ran. The summary is kept as the job's final progress.
import type { AppServices } from '../context.js';
import { explainLeaseLoss, FENCE, fenceParams, type Fence } from './fence.js';
import { TRANSITION_SELECT, toTransition, type Transition, type TransitionRow } from './transition.js';

const COMPLETE_SQL = `
WITH j AS (
  UPDATE jobs j
  SET status = (CASE WHEN j.cancel_requested THEN 'CANCELLED' ELSE 'SUCCEEDED' END)::"JobStatus",
      lease_owner = NULL, lease_expires_at = NULL, progress = coalesce($4::jsonb, j.progress), updated_at = now()
  WHERE ${FENCE}
  RETURNING j.*
), run_update AS (
  UPDATE runs r
  SET status = j.status::text::"RunStatus", finished_at = now(), updated_at = now(),
      error = CASE WHEN j.status = 'SUCCEEDED' THEN NULL ELSE r.error END
  FROM j
  WHERE r.id = j.run_id AND j.kind = 'TRAIN'
  RETURNING r.id, r.sweep_id, r.status
)${TRANSITION_SELECT}`;

export async function completeJob(app: AppServices, fence: Fence, summary: unknown): Promise<Transition> {
  const { rows } = await app.pool.query<TransitionRow>({
    name: 'stratum_complete_job',
    text: COMPLETE_SQL,
    values: [...fenceParams(fence), summary === null || summary === undefined ? null : JSON.stringify(summary)],
  });
  const row = rows[0];
  if (!row) return explainLeaseLoss(app, fence);
  return toTransition(app, row);
}
