// The demo's polling loop against a real API that goes away for ten seconds mid-sweep: the loop
// reports the failures, retries with backoff, carries on when the API is back, and follows the
// sweep to its end. Only an API silent for the whole give-up period ends it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, freePort } from '@stratum/db';
import { createTestDatabase, type TestDatabase } from '@stratum/db/testing';
import { startApi, type ApiProcess } from '../src/api-process.js';
import { followSweep, submitSweep } from '../src/progress.js';
import { ApiRetry } from '../src/retry.js';
import { QUICK_SWEEP } from '../src/sweeps.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
let db: TestDatabase;
let pool: pg.Pool;
let dataDir: string;
let port: number;
let api: ApiProcess | undefined;

/** The API's own binary on the test database, as the demo runs it. */
const start = async () => startApi({
  root, dataDir, port: String(port), logFile: path.join(dataDir, 'api.log'),
  env: { DATABASE_URL: db.url, TOKEN_PEPPER: 'test-pepper-0123456789abcdef', LOG_LEVEL: 'warn', REAPER_INTERVAL_MS: '3600000' },
});

beforeAll(async () => {
  db = await createTestDatabase('demo');
  pool = createPool(db.url);
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-demo-test-'));
  port = await freePort();
  api = await start();
});
afterAll(async () => {
  await api?.child.stop();
  await pool.end();
  await db.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const check = () => (predicate() ? resolve() : Date.now() > until ? reject(new Error('timed out')) : setTimeout(check, 50));
    check();
  });
}

describe('the demo when its API goes away', () => {
  it('survives the API being stopped for 10 s mid-sweep, reporting and retrying, and follows the sweep to its end', async () => {
    const url = `http://127.0.0.1:${port}`;
    const submitted = await submitSweep(url, QUICK_SWEEP);
    const lines: string[] = [];
    const print = (line: string) => void lines.push(line);
    const stop = new AbortController();
    const retry = new ApiRetry({ print, signal: stop.signal, baseDelayMs: 250, maxDelayMs: 2000 });
    const following = followSweep(url, submitted.id, print, stop.signal, 100, retry);
    await waitFor(() => lines.some((l) => /QUEUED/.test(l)), 10_000);

    await api?.child.stop(); // the API is gone: connections refused
    api = undefined;
    const stoppedAt = Date.now();
    await waitFor(() => lines.some((l) => /polling the sweep failed: fetch failed/.test(l)), 5_000);
    await new Promise((resolve) => setTimeout(resolve, 10_000 - (Date.now() - stoppedAt)));
    api = await start();

    // Meanwhile the agent finished every run.
    await pool.query(`UPDATE jobs SET status = 'SUCCEEDED' WHERE run_id IN (SELECT id FROM runs WHERE sweep_id = $1)`, [submitted.id]);
    await pool.query(`UPDATE runs SET status = 'SUCCEEDED', started_at = now() - interval '1 minute', finished_at = now() WHERE sweep_id = $1`, [submitted.id]);
    const runs = await following;
    expect(runs.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    const failures = lines.filter((l) => /polling the sweep failed/.test(l));
    expect(failures.length).toBeGreaterThanOrEqual(4); // 0.25 + 0.5 + 1 + 2 + 2 … s of backoff in 10 s
    expect(failures[0]).toMatch(/fetch failed \(ECONNREFUSED\); retrying in 0\.3 s \(the demo stops if the API stays silent for 60 s\)/);
    expect(lines.find((l) => /API answering again/.test(l))).toMatch(/^API answering again after (9\.\d|1\d) s \(\d+ failed requests\)$/);
    expect(lines.filter((l) => /SUCCEEDED/.test(l))).toHaveLength(3);
  }, 40_000);

  it('gives up only once the API has been silent for the whole give-up period', async () => {
    const lines: string[] = [];
    const retry = new ApiRetry({ print: (line) => void lines.push(line), giveUpAfterMs: 1500, baseDelayMs: 100, maxDelayMs: 400 });
    const started = Date.now();
    await expect(followSweep(`http://127.0.0.1:${await freePort()}`, '00000000-0000-0000-0000-000000000000', () => undefined, new AbortController().signal, 100, retry))
      .rejects.toThrow(/^the API has not answered for 1\.\d s \(polling the sweep: fetch failed \(ECONNREFUSED\)\); giving up$/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1500);
    expect(lines.length).toBeGreaterThanOrEqual(3);
  });
});
