// TRAIN jobs: queued for a sweep's new runs, and again when a FAILED or CANCELLED run is
// retried. Both run in the caller's transaction; the caller publishes what changed after commit.
import type pg from 'pg';
import type { ChangedJob } from './events.js';

/** How a sweep's jobs are scheduled: claim order, attempts before FAILED, agent requirements. */
export interface JobPolicy {
  priority: number;
  maxAttempts: number;
  requirements: unknown;
}

/** One QUEUED TRAIN job per run, with the sweep's policy, queued (queue_order) in the order given. */
export async function enqueueTrainJobs(client: pg.PoolClient, runIds: readonly string[], policy: JobPolicy): Promise<ChangedJob[]> {
  return (await client.query<ChangedJob>(
    `INSERT INTO jobs (run_id, kind, status, priority, max_attempts, requirements)
     SELECT r, 'TRAIN', 'QUEUED', $2, $3, $4::jsonb FROM unnest($1::uuid[]) WITH ORDINALITY AS u(r, i) ORDER BY i
     RETURNING id, run_id AS "runId", status::text AS status`,
    [runIds, policy.priority, policy.maxAttempts, JSON.stringify(policy.requirements)])).rows;
}

/** A new QUEUED TRAIN job for a run, with its last TRAIN job's policy (the agent resumes from its latest checkpoint). */
export async function requeueTrainJob(client: pg.PoolClient, runId: string): Promise<ChangedJob> {
  return (await client.query<ChangedJob>(
    `INSERT INTO jobs (run_id, kind, status, priority, max_attempts, requirements)
     SELECT $1, 'TRAIN', 'QUEUED', COALESCE(last.priority, 0), COALESCE(last.max_attempts, 3), COALESCE(last.requirements, '{}'::jsonb)
     FROM (SELECT 1) one LEFT JOIN LATERAL (
       SELECT priority, max_attempts, requirements FROM jobs WHERE run_id = $1 AND kind = 'TRAIN' ORDER BY created_at DESC LIMIT 1) last ON true
     RETURNING id, run_id AS "runId", status::text AS status`, [runId])).rows[0]!;
}
