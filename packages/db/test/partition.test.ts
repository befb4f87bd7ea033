import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { partitionMetricPoints, migrate, rebuildMetricRollups } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

let db: TestDatabase;
let client: pg.Client;
let pool: pg.Pool;
beforeAll(async () => {
  db = await createTestDatabase('partition');
  client = new pg.Client({ connectionString: db.url });
  await client.connect();
  pool = new pg.Pool({ connectionString: db.url, max: 1 });
});
afterAll(async () => {
  await pool.end();
  await client.end();
  await db.drop();
});

async function seedRun(name: string): Promise<string> {
  const project = (await client.query<{ id: string }>("INSERT INTO projects (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id", ['p'])).rows[0]!.id;
  return (await client.query<{ id: string }>(
    "INSERT INTO runs (project_id, name, mode, model_size, blocks, seed, dataset, config) VALUES ($1, $2, 'E2E', 'nano', 3, 0, 'd', '{}') RETURNING id", [project, name])).rows[0]!.id;
}

describe('partitioning metric_points by run', () => {
  it('moves every row into hash partitions and keeps keys, idempotency and cascades', async () => {
    const key = (await client.query<{ id: number }>("INSERT INTO metric_keys (name) VALUES ('loss') RETURNING id")).rows[0]!.id;
    // One after another: a pg.Client runs one query at a time.
    const runs: string[] = [];
    for (let i = 0; i < 6; i++) runs.push(await seedRun(`r${i}`));
    for (const run of runs) {
      await client.query('INSERT INTO metric_points (run_id, key_id, block, step, value) SELECT $1, $2, b, s, s * 0.5 FROM generate_series(0, 2) b, generate_series(1, 500) s', [run, key]);
    }
    await rebuildMetricRollups(pool, runs);
    const before = (await client.query<{ n: number; total: number }>('SELECT count(*)::int AS n, sum(value)::float8 AS total FROM metric_points')).rows[0]!;
    const rollupsBefore = (await client.query<{ n: number; total: number }>('SELECT count(*)::int AS n, sum(count)::int AS total FROM metric_rollups')).rows[0]!;
    expect(rollupsBefore.total).toBe(before.n * 13); // every point once per level 4..16

    const result = await partitionMetricPoints(db.url, 4);
    expect(result).toEqual({ partitions: 4, rowsMoved: before.n, rollupRowsMoved: rollupsBefore.n, alreadyPartitioned: false });
    expect((await client.query("SELECT relkind FROM pg_class WHERE relname = 'metric_rollups'")).rows[0]?.relkind).toBe('p');
    expect((await client.query<{ n: number; total: number }>('SELECT count(*)::int AS n, sum(count)::int AS total FROM metric_rollups')).rows[0]).toEqual(rollupsBefore);
    // A run's rollups live in the partition of the same number as its points.
    const colocated = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT DISTINCT run_id, replace(tableoid::regclass::text, 'metric_points', '') AS part FROM metric_points) p
       JOIN (SELECT DISTINCT run_id, replace(tableoid::regclass::text, 'metric_rollups', '') AS part FROM metric_rollups) r USING (run_id) WHERE p.part <> r.part`);
    expect(colocated.rows[0]!.n).toBe(0);
    await expect(client.query("INSERT INTO metric_rollups (run_id, key_id, block, level, bucket, count, min, max, last_step, last_value) VALUES ($1, $2, 0, 3, 0, 1, 0, 0, 0, 0)", [runs[0], key])).rejects.toThrow(/check constraint/);
    expect((await client.query("SELECT relkind FROM pg_class WHERE relname = 'metric_points'")).rows[0]?.relkind).toBe('p');
    expect((await client.query<{ n: number; total: number }>('SELECT count(*)::int AS n, sum(value)::float8 AS total FROM metric_points')).rows[0]).toEqual(before);
    // Rows are spread over partitions, and each run lives in exactly one of them.
    const spread = await client.query<{ part: string; runs: number }>('SELECT tableoid::regclass::text AS part, count(DISTINCT run_id)::int AS runs FROM metric_points GROUP BY 1');
    expect(spread.rows.length).toBeGreaterThan(1);
    expect(spread.rows.reduce((a, r) => a + r.runs, 0)).toBe(runs.length);

    // The primary key still covers the value (index-only series reads), as the migrations define it.
    const primaryKey = (await client.query<{ def: string }>("SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'metric_points_pkey' AND conrelid = 'metric_points'::regclass")).rows[0]!.def;
    expect(primaryKey).toBe('PRIMARY KEY (run_id, key_id, block, step) INCLUDE (value)');
    const rollupKey = (await client.query<{ def: string }>("SELECT pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conname = 'metric_rollups_pkey' AND conrelid = 'metric_rollups'::regclass")).rows[0]!.def;
    expect(rollupKey).toBe('PRIMARY KEY (run_id, key_id, block, level, bucket) INCLUDE (count, min, max, last_step, last_value)');
    // The ingestion statement still dedupes on the primary key.
    const again = await client.query('INSERT INTO metric_points (run_id, key_id, block, step, value) SELECT $1, $2, 0, s, 9 FROM generate_series(1, 10) s ON CONFLICT DO NOTHING', [runs[0], key]);
    expect(again.rowCount).toBe(0);
    // Foreign keys hold: unknown runs are refused, deleting a run removes its points.
    await expect(client.query("INSERT INTO metric_points (run_id, key_id, step, value) VALUES (gen_random_uuid(), $1, 1, 1)", [key])).rejects.toThrow(/foreign key/);
    await client.query('DELETE FROM runs WHERE id = $1', [runs[1]]);
    expect((await client.query<{ n: number }>('SELECT count(*)::int AS n FROM metric_points WHERE run_id = $1', [runs[1]])).rows[0]!.n).toBe(0);
    expect((await client.query<{ n: number }>('SELECT count(*)::int AS n FROM metric_rollups WHERE run_id = $1', [runs[1]])).rows[0]!.n).toBe(0);

    // Re-running is a no-op; migrations still see an up-to-date database.
    expect(await partitionMetricPoints(db.url, 4)).toEqual({ partitions: 4, rowsMoved: 0, rollupRowsMoved: 0, alreadyPartitioned: true });
    expect((await migrate(db.url)).applied).toEqual([]);
  });

  it('refuses a nonsensical partition count', async () => {
    await expect(partitionMetricPoints(db.url, 1)).rejects.toThrow(/partitions must be an integer from 2 to 1024/);
  });
});
