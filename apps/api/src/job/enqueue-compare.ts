// Cross-run similarity: once a blockwise run and its matched E2E run (same sweep, model size
// and seed, evaluated at the blockwise run's K — a sweep trains one E2E run per size and seed
// and pairs it with the blockwise runs of every K) have both succeeded with final checkpoints, queue one COMPARE job for the pair
// (run = the blockwise run, other run = the E2E run). An agent then computes the block×block CKA
// between the two networks on the same clips — the comparison the dashboard's Compare view shows.
import type { AppServices } from '../context.js';
import { publishStatusChange } from './events.js';
import type { Row } from '../common/columns.js';

const ENQUEUE_SQL = `
WITH me AS (
  SELECT id, sweep_id, model_size, blocks, partitions, seed, mode FROM runs
  WHERE id = $1 AND status = 'SUCCEEDED' AND sweep_id IS NOT NULL
), pairs AS (
  SELECT CASE WHEN me.mode = 'E2E' THEN o.id ELSE me.id END AS blockwise_id,
         CASE WHEN me.mode = 'E2E' THEN me.id ELSE o.id END AS e2e_id,
         me.sweep_id
  FROM me
  JOIN runs o ON o.sweep_id = me.sweep_id AND o.model_size = me.model_size
             AND o.seed = me.seed AND o.id <> me.id AND o.status = 'SUCCEEDED'
             AND CASE WHEN me.mode = 'E2E' THEN o.mode <> 'E2E' AND o.blocks = ANY(me.partitions)
                      ELSE o.mode = 'E2E' AND me.blocks = ANY(o.partitions) END
  WHERE EXISTS (SELECT 1 FROM checkpoints c WHERE c.run_id = me.id)
    AND EXISTS (SELECT 1 FROM checkpoints c WHERE c.run_id = o.id)
)
INSERT INTO jobs (run_id, other_run_id, kind, priority, max_attempts, requirements)
SELECT p.blockwise_id, p.e2e_id, 'COMPARE', -1, 3, '{}'::jsonb FROM pairs p
WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.kind = 'COMPARE' AND j.run_id = p.blockwise_id AND j.other_run_id = p.e2e_id)
RETURNING id, run_id, (SELECT sweep_id FROM me) AS sweep_id`;

/** Queue the COMPARE jobs that `runId` finishing makes possible; returns their ids. */
export async function enqueueCompareJobs(app: AppServices, runId: string): Promise<string[]> {
  const client = await app.pool.connect();
  try {
    await client.query('BEGIN');
    // Two runs of one pair finishing at the same moment must not both queue the pair.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('stratum_compare:' || coalesce((SELECT sweep_id::text FROM runs WHERE id = $1), '')))", [runId]);
    const { rows } = await client.query<Pick<Row<'jobs'>, 'id' | 'run_id'> & Pick<Row<'runs'>, 'sweep_id'>>(ENQUEUE_SQL, [runId]);
    await client.query('COMMIT');
    for (const row of rows) publishStatusChange(app, { jobId: row.id, runId: row.run_id, sweepId: row.sweep_id, jobStatus: 'QUEUED', runStatus: null });
    return rows.map((r) => r.id);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
