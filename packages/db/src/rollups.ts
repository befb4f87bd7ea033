// Series rollups (table metric_rollups): per (run, key, block) and level L in
// ROLLUP_MIN_LEVEL … ROLLUP_MAX_LEVEL, one row per aligned step bucket [b·2^L, (b+1)·2^L) holding
// the count, min, max and last (step, value) of the points stored there. Rollups only ever grow
// by the points an insert actually added (points are first-write-wins), so merging a new partial
// aggregate into a row is exact: counts add, extremes combine, the later last step wins.
import type pg from 'pg';

/** Finest rollup level: buckets of 2^4 = 16 steps. */
export const ROLLUP_MIN_LEVEL = 4;
/** Coarsest rollup level: buckets of 2^16 = 65,536 steps. */
export const ROLLUP_MAX_LEVEL = 16;

const COLUMNS = 'run_id, key_id, block, level, bucket, count, min, max, last_step, last_value';

/**
 * SQL for the CTEs that roll up `source` (a relation with columns run_id, key_id, block, step,
 * value) and merge the result into metric_rollups. Append it to a WITH list after `source` is
 * defined: it starts with a comma and defines rollup_l<level> and `rollups_merged`.
 * Level 4 aggregates the points, each further level the one below, so the work is about the
 * number of points plus an eighth. Rows are merged in key order, so concurrent writers to the same
 * series take row locks in the same order and cannot deadlock each other.
 */
export function rollupMergeCtes(source: string): string {
  const ctes: string[] = [];
  ctes.push(`rollup_l${ROLLUP_MIN_LEVEL} AS (
    SELECT run_id, key_id, block, step >> ${ROLLUP_MIN_LEVEL} AS bucket, count(*)::int AS n, min(value) AS mn, max(value) AS mx,
           max(step) AS ls, (max(ARRAY[step::float8, value]))[2] AS lv
    FROM ${source} GROUP BY 1, 2, 3, 4)`);
  for (let level = ROLLUP_MIN_LEVEL + 1; level <= ROLLUP_MAX_LEVEL; level++) {
    ctes.push(`rollup_l${level} AS (
    SELECT run_id, key_id, block, bucket >> 1 AS bucket, sum(n)::int AS n, min(mn) AS mn, max(mx) AS mx,
           max(ls) AS ls, (max(ARRAY[ls::float8, lv]))[2] AS lv
    FROM rollup_l${level - 1} GROUP BY 1, 2, 3, 4)`);
  }
  const levels: string[] = [];
  for (let level = ROLLUP_MIN_LEVEL; level <= ROLLUP_MAX_LEVEL; level++) {
    levels.push(`SELECT run_id, key_id, block, ${level}::int2 AS level, bucket, n, mn, mx, ls, lv FROM rollup_l${level}`);
  }
  ctes.push(`rollups_merged AS (
    INSERT INTO metric_rollups AS r (${COLUMNS})
    SELECT * FROM (${levels.join('\n    UNION ALL ')}) x ORDER BY run_id, key_id, block, level, bucket
    ON CONFLICT (run_id, key_id, block, level, bucket) DO UPDATE SET
      count = r.count + EXCLUDED.count,
      min = LEAST(r.min, EXCLUDED.min),
      max = GREATEST(r.max, EXCLUDED.max),
      last_step = GREATEST(r.last_step, EXCLUDED.last_step),
      last_value = CASE WHEN EXCLUDED.last_step > r.last_step THEN EXCLUDED.last_value ELSE r.last_value END
    RETURNING 1)`);
  return ',\n' + ctes.join(',\n');
}

/**
 * Rebuilds the rollups of `runIds` from their stored points, in one transaction. For points
 * written around logMetrics (seeding fixtures, bulk loads with COPY, repairs).
 */
export async function rebuildMetricRollups(pool: pg.Pool, runIds: readonly string[]): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('DELETE FROM metric_rollups WHERE run_id = ANY($1::uuid[])', [runIds]);
    await client.query(`WITH src AS (SELECT run_id, key_id, block, step, value FROM metric_points WHERE run_id = ANY($1::uuid[]))${rollupMergeCtes('src')}
      SELECT count(*)::int AS n FROM rollups_merged`, [runIds]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
