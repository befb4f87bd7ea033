import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, startEmbeddedPostgres } from '../src/index.js';
import { createTestDatabase } from '../src/testing/index.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-embedded-test-'));
fs.chmodSync(root, 0o755); // the server runs as the postgres OS user when tests run as root
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function scalar(url: string, sql: string): Promise<unknown> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const result: pg.QueryResult | pg.QueryResult[] = await client.query(sql);
    const last = Array.isArray(result) ? result[result.length - 1] : result; // multi-statement → array
    return Object.values(last?.rows[0] ?? {})[0];
  } finally {
    await client.end();
  }
}

describe('embedded PostgreSQL', () => {
  it('starts, keeps its data across restarts, and is reused while running', async () => {
    const dataDir = path.join(root, 'pg');
    const first = await openDatabase({ dataDir });
    expect(first.embedded?.owned).toBe(true);
    expect(fs.existsSync(path.join(dataDir, 'PG_VERSION'))).toBe(true);
    await scalar(first.url, 'CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)');

    // A second process-like opener finds the running server and reuses it instead of starting one.
    const second = await startEmbeddedPostgres({ dataDir });
    expect(second.owned).toBe(false);
    expect(second.port).toBe(first.embedded?.port);
    await second.stop(); // not the owner: must not stop the server
    expect(await scalar(first.url, 'SELECT v FROM kept')).toBe(42);

    await first.close();
    await expect(scalar(first.url, 'SELECT 1')).rejects.toThrow();
    expect(fs.existsSync(path.join(dataDir, 'postmaster.pid'))).toBe(false);

    const again = await openDatabase({ dataDir });
    try {
      expect(await scalar(again.url, 'SELECT v FROM kept')).toBe(42);
    } finally {
      await again.close();
    }
  });

  it('uses DATABASE_URL as given without starting anything', async () => {
    const db = await openDatabase({ databaseUrl: 'postgresql://nobody@127.0.0.1:1/none' });
    expect(db.embedded).toBeUndefined();
    expect(db.url).toBe('postgresql://nobody@127.0.0.1:1/none');
  });
});

describe('per-test databases', () => {
  it('gives each caller its own migrated database and drops it', async () => {
    const [a, b] = await Promise.all([createTestDatabase('iso'), createTestDatabase('iso')]);
    expect(a.name).not.toBe(b.name);
    await scalar(a.url, "INSERT INTO projects (name) VALUES ('only-in-a')");
    expect(Number(await scalar(a.url, 'SELECT count(*) FROM projects'))).toBe(1);
    expect(Number(await scalar(b.url, 'SELECT count(*) FROM projects'))).toBe(0);
    expect(Number(await scalar(b.url, 'SELECT count(*) FROM "_prisma_migrations"'))).toBeGreaterThan(0);
    await a.drop();
    await b.drop();
    await expect(scalar(a.url, 'SELECT 1')).rejects.toThrow(/does not exist/);
  });
});

describe('embedded PostgreSQL as root', () => {
  it.skipIf(process.getuid?.() !== 0)('explains when the postgres user cannot enter the data directory', async () => {
    const closed = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-closed-')); // mkdtemp: mode 0700, owned by root
    try {
      await expect(startEmbeddedPostgres({ dataDir: path.join(closed, 'pg') })).rejects.toThrow(/cannot enter .*stratum-closed-.* \(mode 700\)/);
    } finally {
      fs.rmSync(closed, { recursive: true, force: true });
    }
  });
});

describe('process exit codes', () => {
  it('keeps the exit code of a process that used the embedded server (no exit hook overrides it)', async () => {
    const { spawnSync } = await import('node:child_process');
    const dataDir = path.join(root, 'exit-code');
    const script = `
      import { startEmbeddedPostgres } from ${JSON.stringify(path.resolve(import.meta.dirname, '..', 'dist', 'index.js'))};
      const server = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, ephemeral: true });
      await server.stop();
      process.exitCode = 3; // what a failing test runner or CLI sets before the event loop drains
    `;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(result.status, result.stderr).toBe(3);
  });
});
