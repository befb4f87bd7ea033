import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { defaultMigrationsDir, migrate, migrationStatus, readMigrations, MigrationError, rebuildMetricRollups } from '../src/index.js';
import { createTestDatabase, type TestDatabase } from '../src/testing/index.js';

const databases: TestDatabase[] = [];
const dirs: string[] = [];

async function emptyDatabase(): Promise<TestDatabase> {
  // A migrated test database, emptied of everything, so each test migrates from scratch.
  const db = await createTestDatabase('mig');
  databases.push(db);
  await query(db.url, 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  return db;
}

async function query<T extends pg.QueryResultRow = pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

function migrationsDir(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-migrations-'));
  dirs.push(dir);
  for (const [name, sql] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, name));
    fs.writeFileSync(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});
afterAll(async () => {
  await Promise.all(databases.map((db) => db.drop()));
});

describe('migration runner', () => {
  it('applies the project migrations and records Prisma-compatible rows', async () => {
    const db = await emptyDatabase();
    const result = await migrate(db.url);
    const expected = readMigrations().map((m) => m.name);
    expect(result.applied).toEqual(expected);
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      db.url, 'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name');
    expect(rows.map((r) => r.migration_name)).toEqual(expected);
    for (const row of rows) {
      const file = fs.readFileSync(path.join(defaultMigrationsDir(), row.migration_name, 'migration.sql'));
      const { createHash } = await import('node:crypto');
      expect(row.checksum).toBe(createHash('sha256').update(file).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.applied_steps_count).toBe(1);
    }
    const tables = await query<{ table_name: string }>(db.url, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
    expect(tables.map((t) => t.table_name)).toEqual(expect.arrayContaining(['runs', 'jobs', 'metric_points', 'api_tokens']));
    expect((await migrationStatus(db.url)).upToDate).toBe(true);
    // A readiness probe reuses its own pool and the migrations it read once.
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      expect(await migrationStatus(pool, { migrations: readMigrations() })).toMatchObject({ upToDate: true, pending: [] });
      expect((await migrationStatus(pool, { migrations: [...readMigrations(), { name: '99999999_later', sql: '', checksum: '' }] })).pending).toEqual(['99999999_later']);
    } finally {
      await pool.end();
    }
  });

  it('is a no-op on re-run', async () => {
    const db = await emptyDatabase();
    await migrate(db.url);
    const again = await migrate(db.url);
    expect(again.applied).toEqual([]);
    expect(again.alreadyApplied).toEqual(readMigrations().map((m) => m.name));
    const count = await query<{ n: string }>(db.url, 'SELECT count(*) AS n FROM "_prisma_migrations"');
    expect(Number(count[0]?.n)).toBe(readMigrations().length);
  });

  it('refuses a database whose applied migration was edited', async () => {
    const db = await emptyDatabase();
    const dir = migrationsDir({ '001_a': 'CREATE TABLE a (id int);' });
    await migrate(db.url, { migrationsDir: dir });
    fs.writeFileSync(path.join(dir, '001_a', 'migration.sql'), 'CREATE TABLE a (id bigint);');
    await expect(migrate(db.url, { migrationsDir: dir })).rejects.toThrow(/001_a was edited after it was applied/);
  });

  it('refuses a database with an applied migration missing on disk', async () => {
    const db = await emptyDatabase();
    await migrate(db.url, { migrationsDir: migrationsDir({ '001_a': 'CREATE TABLE a (id int);', '002_b': 'CREATE TABLE b (id int);' }) });
    await expect(migrate(db.url, { migrationsDir: migrationsDir({ '001_a': 'CREATE TABLE a (id int);' }) }))
      .rejects.toThrow(/002_b is applied to the database but missing/);
  });

  it('rolls a failing migration back completely and reports it', async () => {
    const db = await emptyDatabase();
    const dir = migrationsDir({ '001_ok': 'CREATE TABLE ok (id int);', '002_bad': 'CREATE TABLE half (id int);\nSELECT no_such_function();' });
    const error = await migrate(db.url, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect(String(error)).toMatch(/002_bad failed and was rolled back/);
    const tables = (await query<{ t: string }>(db.url, "SELECT table_name AS t FROM information_schema.tables WHERE table_schema='public'")).map((r) => r.t);
    expect(tables).toContain('ok');
    expect(tables).not.toContain('half');
    const names = (await query<{ migration_name: string }>(db.url, 'SELECT migration_name FROM "_prisma_migrations"')).map((r) => r.migration_name);
    expect(names).toEqual(['001_ok']);
    expect((await migrationStatus(db.url, { migrationsDir: dir })).pending).toEqual(['002_bad']);
  });

  it('serialises concurrent runners with the advisory lock', async () => {
    const db = await emptyDatabase();
    // Without the lock the second runner would see no row yet and CREATE TABLE twice → error.
    const dir = migrationsDir({
      '001_slow': 'SELECT pg_sleep(0.3); CREATE TABLE slow (id int);',
      '002_next': 'CREATE TABLE next_one (id int);',
    });
    const results = await Promise.all(Array.from({ length: 4 }, () => migrate(db.url, { migrationsDir: dir })));
    const appliedBy = results.map((r) => r.applied.length);
    expect(appliedBy.reduce((a, b) => a + b, 0)).toBe(2);
    expect(appliedBy.filter((n) => n === 2)).toHaveLength(1);
    const rows = await query<{ migration_name: string }>(db.url, 'SELECT migration_name FROM "_prisma_migrations" ORDER BY 1');
    expect(rows.map((r) => r.migration_name)).toEqual(['001_slow', '002_next']);
  });

  it('backfills series rollups for points stored before the rollup migration', async () => {
    const db = await emptyDatabase();
    const all = readMigrations();
    const at = all.findIndex((m) => m.name.endsWith('_metric_rollups'));
    const before = migrationsDir(Object.fromEntries(all.slice(0, at).map((m) => [m.name, m.sql])));
    await migrate(db.url, { migrationsDir: before });
    const [run] = await query<{ id: string }>(db.url,
      `WITH p AS (INSERT INTO projects (name) VALUES ('p') RETURNING id)
       INSERT INTO runs (project_id, name, mode, model_size, blocks, seed, dataset, config) SELECT id, 'r', 'E2E', 'nano', 2, 0, 'd', '{}' FROM p RETURNING id`);
    await query(db.url, `INSERT INTO metric_keys (name) VALUES ('loss')`);
    await query(db.url, `INSERT INTO metric_points (run_id, key_id, block, step, value)
      SELECT $1, k.id, b, s, sin(s * 0.1) + b FROM metric_keys k, generate_series(0, 1) b, generate_series(0, 70000, 7) s`, [run!.id]);
    await migrate(db.url);
    const rollups = () => query<{ level: number; bucket: number; count: number; min: number; max: number; last_step: number; last_value: number }>(
      db.url, 'SELECT block, level, bucket, count, min, max, last_step, last_value FROM metric_rollups ORDER BY block, level, bucket');
    const backfilled = await rollups();
    expect(backfilled.filter((r) => r.level === 16).map((r) => r.count)).toEqual([9363, 638, 9363, 638]);
    // The same rows as a rebuild from the points.
    const pool = new pg.Pool({ connectionString: db.url, max: 1 });
    try {
      await rebuildMetricRollups(pool, [run!.id]);
    } finally {
      await pool.end();
    }
    expect(await rollups()).toEqual(backfilled);
  });

  it('gives rows stored before the partition migration their run’s K, and fills it for writers that omit it', async () => {
    const db = await emptyDatabase();
    const all = readMigrations();
    const at = all.findIndex((m) => m.name.endsWith('_evaluation_partitions'));
    expect(at).toBeGreaterThan(0);
    await migrate(db.url, { migrationsDir: migrationsDir(Object.fromEntries(all.slice(0, at).map((m) => [m.name, m.sql]))) });
    const insertRun = (blocks: number) => query<{ id: string }>(db.url,
      `INSERT INTO runs (project_id, name, mode, model_size, blocks, seed, dataset, config)
       SELECT id, 'r' || $1::int, 'BLOCKWISE_SIMULTANEOUS', 'nano', $1::int, 0, 'd', '{}' FROM projects RETURNING id`, [blocks]);
    await query(db.url, `INSERT INTO projects (name) VALUES ('p')`);
    const [run2] = await insertRun(2);
    const [run3] = await insertRun(3);
    const seedRows = async (runId: string) => {
      await query(db.url, `INSERT INTO evaluations (run_id, step, kind, metric, target, dataset, depth, value) VALUES ($1, 5, 'LINEAR_PROBE', 'accuracy', 'digit', 'd', 1, 0.5)`, [runId]);
      await query(db.url, `INSERT INTO similarity_matrices (run_id, kind, step, dataset, row_labels, col_labels, values) VALUES ($1, 'LINEAR_CKA', 5, 'd', '{B1}', '{B1}', '{1}')`, [runId]);
      await query(db.url, `INSERT INTO patch_diagnostics (run_id, step, dataset, block) VALUES ($1, 5, 'd', 1)`, [runId]);
    };
    await seedRows(run2!.id);
    await seedRows(run3!.id);
    await migrate(db.url);
    const partitions = (table: string) => query<{ run_id: string; partition: number }>(db.url, `SELECT run_id, partition FROM ${table} ORDER BY partition`);
    for (const table of ['evaluations', 'similarity_matrices', 'patch_diagnostics']) {
      expect(await partitions(table)).toEqual([{ run_id: run2!.id, partition: 2 }, { run_id: run3!.id, partition: 3 }]);
    }
    expect(await query(db.url, 'SELECT blocks, partitions FROM runs ORDER BY blocks')).toEqual([{ blocks: 2, partitions: [2] }, { blocks: 3, partitions: [3] }]);
    // Writers that predate the columns: the run's K by default; an explicit one is kept.
    const [run6] = await insertRun(6);
    expect(await query(db.url, 'SELECT partitions FROM runs WHERE id = $1', [run6!.id])).toEqual([{ partitions: [6] }]);
    await seedRows(run6!.id);
    await query(db.url, `INSERT INTO evaluations (run_id, step, kind, metric, target, dataset, depth, value, partition) VALUES ($1, 5, 'LINEAR_PROBE', 'accuracy', 'digit', 'd', 1, 0.6, 3)`, [run6!.id]);
    expect(await query(db.url, 'SELECT partition, value FROM evaluations WHERE run_id = $1 ORDER BY partition', [run6!.id])).toEqual([{ partition: 3, value: 0.6 }, { partition: 6, value: 0.5 }]);
  });
});
