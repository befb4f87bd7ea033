// Test data: sweeps declared through the API (as users do), then statuses, metric points and
// evaluations written straight into the test database, in bulk, with SQL.
import type pg from 'pg';
import { rebuildMetricRollups } from '@stratum/db';

export interface SweepFileOptions {
  project?: string;
  name: string;
  modelSizes?: string[];
  blocks?: number[];
  modes?: string[];
  seeds?: number[];
}

export function sweepYaml(o: SweepFileOptions): string {
  return [
    `project: ${o.project ?? 'client-test'}`,
    `name: ${o.name}`,
    'factors:',
    `  modelSizes: [${(o.modelSizes ?? ['nano']).join(', ')}]`,
    `  blocks: [${(o.blocks ?? [2]).join(', ')}]`,
    `  modes: [${(o.modes ?? ['e2e']).join(', ')}]`,
    `  seeds: [${(o.seeds ?? [0, 1, 2]).join(', ')}]`,
    'steps: 20',
    '',
  ].join('\n');
}

export interface SeededRun { id: string; name: string; seed: number; mode: string; blocks: number; partitions: number[]; modelSize: string }

export async function sweepRuns(pool: pg.Pool, sweepName: string): Promise<SeededRun[]> {
  const { rows } = await pool.query<SeededRun>(
    `SELECT r.id, r.name, r.seed, r.mode::text AS mode, r.blocks, r.partitions, r.model_size AS "modelSize"
       FROM runs r JOIN sweeps s ON s.id = r.sweep_id WHERE s.name = $1 ORDER BY r.model_size, r.blocks, r.mode, r.seed`, [sweepName]);
  return rows;
}

/** Marks runs finished (or any status) the way an agent's completeJob would leave them. */
export async function setRunStatus(pool: pg.Pool, runIds: string[], status: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED', error?: string): Promise<void> {
  const jobStatus = status;
  await pool.query(
    `UPDATE runs SET status = $2::"RunStatus", error = $3,
            started_at = CASE WHEN $2 = 'QUEUED' THEN NULL ELSE coalesce(started_at, now() - interval '90 seconds') END,
            finished_at = CASE WHEN $2 IN ('SUCCEEDED','FAILED','CANCELLED') THEN now() ELSE NULL END,
            updated_at = now()
      WHERE id = ANY($1::uuid[])`, [runIds, status, error ?? null]);
  await pool.query(`UPDATE jobs SET status = $2::"JobStatus", updated_at = now() WHERE run_id = ANY($1::uuid[])`, [runIds, jobStatus]);
}

/** One linear-probe accuracy per run at its last block (depth = K). */
export async function insertProbe(pool: pg.Pool, runs: Array<{ id: string; blocks: number }>, values: number[], target = 'digit', step = 20): Promise<void> {
  await pool.query(
    `INSERT INTO evaluations (run_id, step, kind, metric, target, dataset, split, depth_unit, depth, value)
     SELECT r, $2, 'LINEAR_PROBE', 'accuracy', $3, 'moving-mnist', 'eval', 'BLOCK', d, v
       FROM unnest($1::uuid[], $4::int[], $5::float8[]) AS t(r, d, v)`,
    [runs.map((r) => r.id), step, target, runs.map((r) => r.blocks), values]);
}

export async function metricKeyId(pool: pg.Pool, name: string): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(
    'INSERT INTO metric_keys (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = excluded.name RETURNING id', [name]);
  return (rows[0] as { id: number }).id;
}

/**
 * `count` points of (run, key, block) at steps first, first + stride, …, with value
 * valueOf(step) computed in SQL by the same formula the tests recompute in JS.
 */
export async function insertSeries(pool: pg.Pool, runId: string, key: string, block: number, count: number, options: { first?: number; stride?: number; scale?: number } = {}): Promise<void> {
  const keyId = await metricKeyId(pool, key);
  await pool.query(
    `INSERT INTO metric_points (run_id, key_id, block, step, value)
     SELECT $1::uuid, $2::int, $3::int, $4::int + i * $5::int, (($4::int + i * $5::int) % 1000) * $6::float8 + $3::int
       FROM generate_series(0, $7::int - 1) AS i`,
    [runId, keyId, block, options.first ?? 0, options.stride ?? 1, options.scale ?? 0.001, count]);
  await rebuildMetricRollups(pool, [runId]); // written around logMetrics, as a bulk load would be
}

/** The value insertSeries stored at a step (JS twin of its SQL formula). */
export function seriesValue(step: number, block: number, scale = 0.001): number {
  return (step % 1000) * scale + block;
}
