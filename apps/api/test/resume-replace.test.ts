// Issue 18 item 10: a resumed attempt's points after its resume step replace the earlier
// attempt's (same fenced statement), the rollups stay equal to a rebuild from the points, and
// the series says which attempt wrote each range.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { claim, expireLease, FAIL, LOG_COLUMNS, REGISTER_CHECKPOINT, registerTestAgent, seedJobs } from './agent-fixtures.js';

let t: TestApi;
beforeAll(async () => { t = await startTestApi({ REAPER_INTERVAL_MS: '3600000' }); });
afterAll(async () => { await t.close(); });

const LOG = LOG_COLUMNS.replace('batchId accepted duplicates', 'accepted replaced duplicates');
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function log(jobId: string, token: string, agentToken: string, steps: number[], value: (step: number) => number, batchId: string) {
  const data = await t.ok<{ logMetrics: { accepted: number; replaced: number; duplicates: number } }>(LOG, {
    jobId, token, batchId, columns: { keys: steps.map(() => 'loss'), steps, values: steps.map(value) },
  }, { token: agentToken });
  return data.logMetrics;
}

async function rollups(runId: string) {
  const { rows } = await t.api.services.pool.query(
    'SELECT key_id, block, level, bucket, count, min, max, last_step, last_value FROM metric_rollups WHERE run_id = $1 ORDER BY 1, 2, 3, 4', [runId]);
  return rows;
}

it('replaces the earlier attempt\'s points after the resume step, keeps those before it, and corrects the rollups', async () => {
  const agent = await registerTestAgent(t);
  const [job] = await seedJobs(t);
  const first = (await claim(t, agent))!;
  expect(first.fencingToken).toBe('1');
  // Attempt 1 logs steps 0..299 (value = step) — its max in bucket [256, 512) is 299.
  expect(await log(job!.jobId, first.fencingToken, agent.token, range(0, 299), (s) => s, 'a1')).toEqual({ accepted: 300, replaced: 0, duplicates: 0 });
  await t.ok(REGISTER_CHECKPOINT, { jobId: job!.jobId, token: first.fencingToken, step: 200, sha256: 'a'.repeat(64), bytes: 10, uri: 'file:///x' }, { token: agent.token });
  // A replay by the same attempt is a duplicate, not a replacement.
  expect(await log(job!.jobId, first.fencingToken, agent.token, range(250, 299), () => -1, 'a1-replay')).toEqual({ accepted: 0, replaced: 0, duplicates: 50 });

  await expireLease(t, job!.jobId);
  await t.api.services.pool.query(`UPDATE jobs SET status = 'QUEUED', lease_owner = NULL, lease_expires_at = NULL WHERE id = $1`, [job!.jobId]);
  const second = (await claim(t, agent))!;
  expect(second.latestCheckpoint?.step).toBe(200);
  // Attempt 2 resumes at 200: it re-logs 190..260 (values 0.5). 190..200 are the first attempt's
  // (at or before the checkpoint): duplicates. 201..260 replace attempt 1's.
  const result = await log(job!.jobId, second.fencingToken, agent.token, range(190, 260), () => 0.5, 'a2');
  expect(result).toEqual({ accepted: 60, replaced: 60, duplicates: 11 });

  const { rows } = await t.api.services.pool.query<{ step: number; value: number; attempt: number }>(
    'SELECT step, value, attempt FROM metric_points WHERE run_id = $1 ORDER BY step', [job!.runId]);
  for (const row of rows) {
    if (row.step <= 200 || row.step > 260) expect(row).toEqual({ step: row.step, value: row.step, attempt: 1 });
    else expect(row).toEqual({ step: row.step, value: 0.5, attempt: 2 });
  }

  // Rollups equal a rebuild from the stored points (the replaced max 260 → 0.5 must be gone).
  const kept = await rollups(job!.runId);
  const { rebuildMetricRollups } = await import('@stratum/db');
  await rebuildMetricRollups(t.api.services.pool, [job!.runId]);
  expect(kept).toEqual(await rollups(job!.runId));

  const ranges = await t.ok<{ seriesAttempts: unknown[] }>(
    'query($runId: ID!) { seriesAttempts(runId: $runId, key: "loss") { attempt fromStep toStep points } }', { runId: job!.runId }, 'reader');
  expect(ranges.seriesAttempts).toEqual([
    { attempt: 1, fromStep: 0, toStep: 200, points: 201 },
    { attempt: 2, fromStep: 201, toStep: 260, points: 60 },
    { attempt: 1, fromStep: 261, toStep: 299, points: 39 },
  ]);

  // A retried run gets a new job (its fencing tokens start again at 1): still the run's next attempt.
  await t.ok(FAIL, { jobId: job!.jobId, token: second.fencingToken, error: 'host lost', retryable: false }, { token: agent.token });
  await t.ok('mutation($id: ID!) { retryRun(id: $id) { id } }', { id: job!.runId }, 'writer');
  const third = (await claim(t, agent))!;
  expect(third.jobId).not.toBe(job!.jobId);
  expect(third.fencingToken).toBe('1');
  expect(await log(third.jobId, third.fencingToken, agent.token, range(290, 299), () => 7, 'a3')).toEqual({ accepted: 10, replaced: 10, duplicates: 0 });
  const after = await t.ok<{ seriesAttempts: unknown[] }>(
    'query($runId: ID!) { seriesAttempts(runId: $runId, key: "loss") { attempt fromStep toStep points } }', { runId: job!.runId }, 'reader');
  expect(after.seriesAttempts).toEqual([
    { attempt: 1, fromStep: 0, toStep: 200, points: 201 },
    { attempt: 2, fromStep: 201, toStep: 260, points: 60 },
    { attempt: 1, fromStep: 261, toStep: 289, points: 29 },
    { attempt: 3, fromStep: 290, toStep: 299, points: 10 },
  ]);
});

it('keeps the first of repeated points within one batch (one statement cannot write a row twice)', async () => {
  const agent = await registerTestAgent(t);
  const [job] = await seedJobs(t);
  const claimed = (await claim(t, agent))!;
  const steps = [1, 2, 2, 3, 1];
  const data = await t.ok<{ logMetrics: { accepted: number; duplicates: number } }>(LOG_COLUMNS, {
    jobId: job!.jobId, token: claimed.fencingToken, batchId: 'rep', columns: { keys: steps.map(() => 'loss'), steps, values: [10, 20, 21, 30, 11] },
  }, { token: agent.token });
  expect(data.logMetrics).toEqual({ batchId: 'rep', accepted: 3, duplicates: 2 });
  const { rows } = await t.api.services.pool.query('SELECT step, value FROM metric_points WHERE run_id = $1 ORDER BY step', [job!.runId]);
  expect(rows).toEqual([{ step: 1, value: 10 }, { step: 2, value: 20 }, { step: 3, value: 30 }]);
});
