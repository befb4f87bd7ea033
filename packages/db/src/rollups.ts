// Series rollups (table metric_rollups): per (run, key, block) and level L in
// ROLLUP_MIN_LEVEL … ROLLUP_MAX_LEVEL, one row per aligned step bucket [b·2^L, (b+1)·2^L) holding
// the count, min, max and last (step, value) of the points stored there. Inserted points are
// merged into the rows (exact: counts add, extremes combine, the later last step wins). A point
// whose value is replaced (a resumed attempt's, see logMetrics) cannot be merged — the old value
// may have been the bucket's extreme — so its buckets are recomputed from the points.
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

export interface TouchedPoints {
  keyIds: readonly number[];
  blocks: readonly number[];
  steps: readonly number[];
}

/**
 * Recomputes, from the stored points, every rollup row (each level) whose bucket holds one of
 * `touched` points of run `runId`. Call it in the transaction that changed those points' values,
 * after the change. A level-L bucket reads at most 2^L points of one series.
 */
export async function recomputeRollupBuckets(client: pg.ClientBase, runId: string, touched: TouchedPoints): Promise<number> {
  if (touched.steps.length === 0) return 0;
  const { rowCount } = await client.query({
    name: 'stratum_recompute_rollup_buckets',
    text: `WITH buckets AS (
      SELECT DISTINCT u.k, u.b, l.level, u.s >> l.level AS bucket
      FROM unnest($2::int[], $3::int2[], $4::int[]) AS u(k, b, s), generate_series(${ROLLUP_MIN_LEVEL}, ${ROLLUP_MAX_LEVEL}) AS l(level)
    ), agg AS (
      SELECT bk.k, bk.b, bk.level, bk.bucket, a.n, a.mn, a.mx, a.ls, a.lv
      FROM buckets bk CROSS JOIN LATERAL (
        SELECT count(*)::int AS n, min(p.value) AS mn, max(p.value) AS mx, max(p.step) AS ls, (max(ARRAY[p.step::float8, p.value]))[2] AS lv
        FROM metric_points p
        WHERE p.run_id = $1 AND p.key_id = bk.k AND p.block = bk.b
          AND p.step >= bk.bucket::bigint << bk.level AND p.step < (bk.bucket::bigint + 1) << bk.level
      ) a
    )
    UPDATE metric_rollups r SET count = agg.n, min = agg.mn, max = agg.mx, last_step = agg.ls, last_value = agg.lv
    FROM agg
    WHERE r.run_id = $1 AND r.key_id = agg.k AND r.block = agg.b AND r.level = agg.level AND r.bucket = agg.bucket`,
    values: [runId, touched.keyIds, touched.blocks, touched.steps],
  });
  return rowCount ?? 0;
}
