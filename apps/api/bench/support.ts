// What both API benchmarks need: a database (DATABASE_URL's server, else an embedded one in a
// scratch folder) and the API running as its own process, ready.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, startEmbeddedPostgres, type EmbeddedServer } from '@stratum/db';
import { createTestDatabase, type TestDatabase } from '@stratum/db/testing';

/** Token pepper the bench API runs with, so the bench can mint tokens straight into the database. */
export const PEPPER = 'bench-pepper-0123456789abcdef';
const apiDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export async function startDatabase(name: string): Promise<{ db: TestDatabase; server: EmbeddedServer | null; scratch: string | null }> {
  if (process.env.DATABASE_URL) return { db: await createTestDatabase(name), server: null, scratch: null };
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), `stratum-${name}-pg-`));
  fs.chmodSync(scratch, 0o755); // as root, PostgreSQL runs as `postgres` and must enter it
  const server = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'data'), ephemeral: true });
  process.env.STRATUM_TEST_SERVER_URL = server.url;
  return { db: await createTestDatabase(name), server, scratch };
}

export async function startApiProcess(databaseUrl: string, dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve'], {
    cwd: apiDir,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), HOST: '127.0.0.1', TOKEN_PEPPER: PEPPER, LOG_LEVEL: 'warn', STRATUM_DATA_DIR: dataDir, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  // Up to 3 minutes: on a machine shared with other builds, compiling and starting takes a while.
  for (let i = 0; i < 1800; i++) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}`);
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) return { child, url };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the API did not become ready within 180 s');
}

/** Stops the API: SIGTERM first, SIGKILL if it has not exited 15 s later. */
export async function stopApiProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    process.stderr.write('the API did not stop within 15 s of SIGTERM; killing it\n');
    child.kill('SIGKILL');
  }, 15_000);
  await exited;
  clearTimeout(timer);
}

/** Everything a bench started, stopped and removed in order: the API, the bench's own pool, the
 * database, the embedded server and the scratch folders. */
export async function tearDown(parts: { child?: ChildProcess; pool: { end(): Promise<void> }; db: TestDatabase; server: EmbeddedServer | null; scratch: string | null; dataDir: string }): Promise<void> {
  await stopApiProcess(parts.child);
  await parts.pool.end();
  await parts.db.drop();
  await parts.server?.stop();
  if (parts.scratch) fs.rmSync(parts.scratch, { recursive: true, force: true });
  fs.rmSync(parts.dataDir, { recursive: true, force: true });
}
