// releaseJob: graceful drain. The job goes back to the queue at its old place in line, without
// burning the attempt the claim counted; a cancelled run's job ends CANCELLED instead.
import type { AppServices } from '../context.js';
import { explainLeaseLoss, FENCE, fenceParams, type Fence } from './fence.js';
import { TRANSITION_SELECT, toTransition, type Transition, type TransitionRow } from './transition.js';

const RELEASE_SQL = `
WITH j AS (
  UPDATE jobs j
  SET status = (CASE WHEN j.cancel_requested THEN 'CANCELLED' ELSE 'QUEUED' END)::"JobStatus",
      attempts = greatest(j.attempts - 1, 0), lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
  WHERE ${FENCE}
  RETURNING j.*
), run_update AS (
  UPDATE runs r
  SET status = j.status::text::"RunStatus", finished_at = CASE WHEN j.status = 'CANCELLED' THEN now() ELSE NULL END, updated_at = now()
  FROM j
  WHERE r.id = j.run_id AND j.kind = 'TRAIN'
  RETURNING r.id, r.sweep_id, r.status
)${TRANSITION_SELECT}`;

export async function releaseJob(app: AppServices, fence: Fence): Promise<Transition> {
  const { rows } = await app.pool.query<TransitionRow>({ name: 'stratum_release_job', text: RELEASE_SQL, values: fenceParams(fence) });
  const row = rows[0];
  if (!row) return explainLeaseLoss(app, fence);
  return toTransition(app, row);
}
