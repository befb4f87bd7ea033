// The documented backup/restore procedure (stratum-backup and stratum-restore in @stratum/db) round-trips
// a real installation: every run, metric point and artifact comes back into a fresh database.
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@stratum/db/testing';
import { startApiForTest, type StartedApi } from '../support/api.js';

const root = path.resolve(import.meta.dirname, '..', '..');
let t: StartedApi;
let target: TestDatabase;
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-backup-'));

async function sql<T extends pg.QueryResultRow>(url: string, text: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, params)).rows;
  } finally {
    await client.end();
  }
}

function majorOf(text: string): number {
  return Number(text.match(/(\d+)(\.\d+)?/)?.[1]);
}

let skipReason = '';
beforeAll(async () => {
  t = await startApiForTest();
  target = await createTestDatabase('restore');
  const client = spawnSync('pg_dump', ['--version'], { encoding: 'utf8' });
  const server = (await sql<{ server_version: string }>(t.db.url, 'SHOW server_version'))[0]!.server_version;
  if (client.status !== 0) skipReason = 'pg_dump is not installed';
  else if (majorOf(client.stdout) < majorOf(server)) skipReason = `pg_dump ${majorOf(client.stdout)} cannot dump a PostgreSQL ${majorOf(server)} server`;
});
afterAll(async () => {
  await t?.close();
  await target?.drop();
  fs.rmSync(work, { recursive: true, force: true });
});

describe('backup and restore', () => {
  it('restores every run, point and artifact into a fresh database', async (context) => {
    if (skipReason) context.skip(skipReason);
    const { prisma, pool, artifacts } = t.api.services;
    const project = await prisma.project.create({ data: { name: 'backed-up' } });
    const runs = await Promise.all([0, 1, 2].map((seed) => prisma.run.create({ data: { projectId: project.id, name: `r${seed}`, mode: 'E2E', modelSize: 'nano', blocks: 3, seed, dataset: 'moving-mnist', config: { seed } } })));
    const key = await prisma.metricKey.create({ data: { name: 'loss' } });
    for (const run of runs) {
      await pool.query(
        `INSERT INTO metric_points (run_id, key_id, block, step, value) SELECT $1, $2, b, s, 1.0 / (s + 1) + b FROM generate_series(0, 3) b, generate_series(0, 2499) s`,
        [run.id, key.id],
      );
    }
    const blob = crypto.randomBytes(300_000);
    const sha = crypto.createHash('sha256').update(blob).digest('hex');
    const stored = await artifacts.put(sha, Readable.from([blob]), 10_000_000);
    await prisma.checkpoint.create({ data: { runId: runs[0]!.id, step: 2499, sha256: sha, bytes: BigInt(blob.length), uri: stored.uri } });

    const backupDir = path.join(work, 'backup');
    const artifactDir = path.join(t.dataDir, 'artifacts');
    execFileSync('node', [path.join(root, 'packages/db/dist/cli/backup.js'), '--database-url', t.db.url, '--artifact-dir', artifactDir, '--out', backupDir], { stdio: 'pipe' });

    await sql(target.url, 'DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    const restoredArtifacts = path.join(work, 'restored-artifacts');
    execFileSync('node', [path.join(root, 'packages/db/dist/cli/restore.js'), '--from', backupDir, '--database-url', target.url, '--artifact-dir', restoredArtifacts], { stdio: 'pipe' });

    const counts = async (url: string) => (await sql<{ runs: number; points: number; checkpoints: number; migrations: number; total: number }>(url,
      `SELECT (SELECT count(*)::int FROM runs) AS runs, (SELECT count(*)::int FROM metric_points) AS points,
              (SELECT count(*)::int FROM checkpoints) AS checkpoints, (SELECT count(*)::int FROM "_prisma_migrations") AS migrations,
              (SELECT sum(value)::float8 FROM metric_points) AS total`))[0]!;
    const original = await counts(t.db.url);
    expect(original.points).toBe(3 * 4 * 2500);
    expect(await counts(target.url)).toEqual(original);
    const restoredBlob = fs.readFileSync(path.join(restoredArtifacts, sha.slice(0, 2), sha));
    expect(crypto.createHash('sha256').update(restoredBlob).digest('hex')).toBe(sha);

    // A corrupted backup is refused before anything is written.
    fs.appendFileSync(path.join(backupDir, 'artifacts.tar'), 'x');
    const corrupt = spawnSync('node', [path.join(root, 'packages/db/dist/cli/restore.js'), '--from', backupDir, '--database-url', target.url], { encoding: 'utf8' });
    expect(corrupt.status).toBe(1);
    expect(corrupt.stderr).toMatch(/artifacts.tar is corrupt/);
  });
});
