// The real `stratum-api serve` on a fresh database with stdout piped (as in a container): the
// first admin token goes to a 0600 file under STRATUM_DATA_DIR, never to stdout.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@stratum/db/testing';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-first-admin-'));
let db: TestDatabase | undefined;
afterAll(async () => {
  await db?.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

it('writes the first admin token to a mode-0600 file, not to a non-terminal stdout', async () => {
  db = await createTestDatabase('firstadmin');
  // An empty token table: the first start creates the first admin token.
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await client.query('DELETE FROM api_tokens');
  await client.end();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../src/cli.ts'), 'serve'], {
    env: { ...process.env, DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', STRATUM_DATA_DIR: dataDir, TOKEN_PEPPER: 'test-pepper-0123456789abcdef', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
  child.stderr.resume();
  try {
    for (let i = 0; i < 300 && !stdout.includes('First admin token written'); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    const file = path.join(dataDir, 'first-admin-token');
    expect(stdout).toContain(`First admin token written to ${file}`);
    const token = fs.readFileSync(file, 'utf8').trim();
    expect(token).toMatch(/^stm_/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(stdout).not.toContain(token);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
});
