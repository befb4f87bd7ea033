// Load, CI-sized: the bench:load driver (tests/bench/load.ts) for a few seconds with fewer agents
// and readers — a real API process over loopback, agents logging every 100 ms with replays,
// readers polling series, runs and the sweep grid — must end with zero errors and every point
// stored exactly once with the value sent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@stratum/db/testing';
import pg from 'pg';
import { formatResult, runLoad, summarize, verify } from '../bench/load.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('load');
});
afterAll(async () => {
  await db?.drop();
});

describe('load (CI size)', () => {
  it('summarize gives nearest-rank percentiles', () => {
    const values = Array.from({ length: 200 }, (_, i) => 200 - i); // 200 … 1
    expect(summarize(values)).toEqual({ count: 200, p50: 100, p95: 190, p99: 198, max: 200 });
    expect(summarize([7])).toMatchObject({ p50: 7, p99: 7, max: 7 });
  });

  it('4 agents and 2 readers for 8 s: no errors, nothing lost, nothing duplicated', async () => {
    const result = await runLoad({ seconds: 8, agents: 4, readers: 2, intervalMs: 100, stepsPerSend: 10, databaseUrl: db.url });
    const summary = formatResult(result).join('\n');
    expect(result.errors, summary).toBe(0);
    expect(result.lost, summary).toBe(0);
    expect(result.duplicated, summary).toBe(0);
    expect(result.wrongValues, summary).toBe(0);
    expect(result.rollupMismatches, summary).toBe(0); // rollups kept exactly through replays
    // The run did real work: every agent sent batches, some were replayed, readers read.
    expect(result.storedPoints).toBe(result.pointsSent);
    expect(result.pointsSent).toBeGreaterThan(4 * 20 * 10 * 5); // ≥ 20 sends per agent of ≥ 5 points × 10 steps
    expect(result.replays).toBeGreaterThanOrEqual(4);
    expect(result.latency.metricSeries?.count ?? 0).toBeGreaterThan(0);
    expect(result.latency.sweepGrid?.count ?? 0).toBeGreaterThan(0);

    // The check itself can fail: remove three points, change one value, add one never sent.
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const run = result.runs[0]!;
      await client.query('DELETE FROM metric_points WHERE run_id = $1 AND step IN (0, 1, 2) AND block = 0 AND key_id = (SELECT id FROM metric_keys WHERE name = $2)', [run.runId, 'loss']);
      await client.query('UPDATE metric_points SET value = value + 1 WHERE run_id = $1 AND step = 3 AND block = 0 AND key_id = (SELECT id FROM metric_keys WHERE name = $2)', [run.runId, 'lr']);
      await client.query(`INSERT INTO metric_points (run_id, key_id, block, step, value) SELECT $1, id, 0, $2, 1 FROM metric_keys WHERE name = 'loss'`, [run.runId, run.steps + 5]);
      // (The edits went around logMetrics, so the rollups of that series no longer match either.)
      expect(await verify(db.url, result.runs)).toMatchObject({ lost: 3, duplicated: 1, wrongValues: 1 });
      expect((await verify(db.url, result.runs)).rollupMismatches).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });
});
