// Leases and fencing: expiry → requeue → another agent resumes from the checkpoint while the
// old holder is refused everywhere; retries with backoff; attempts exhausted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { reapOnce } from '../src/reaper/reaper.js';
import {
  claim, COMPLETE, errorCode, expireLease, FAIL, HEARTBEAT, jobRow, LOG_COLUMNS, registerTestAgent, REGISTER_CHECKPOINT, RELEASE,
  REPORT_EVALUATION, REPORT_PATCH, REPORT_SIMILARITY, seedJobs, uploadArtifact, type TestAgent,
} from './agent-fixtures.js';

const BASE = 0.3;
const MAX = 0.5;
let t: TestApi;
// A long reaper interval: these tests reap by hand, at the moments they choose.
beforeAll(async () => { t = await startTestApi({ REAPER_INTERVAL_MS: '3600000', BACKOFF_BASE_SECONDS: String(BASE), BACKOFF_MAX_SECONDS: String(MAX) }); });
afterAll(async () => { await t.close(); });

async function clearQueue(): Promise<void> {
  await t.api.services.pool.query(`UPDATE jobs SET status = 'CANCELLED' WHERE status = 'QUEUED'`);
}

async function pointCount(runId: string): Promise<number> {
  const { rows } = await t.api.services.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM metric_points WHERE run_id = $1', [runId]);
  return rows[0]!.n;
}

describe('lease expiry and fencing', () => {
  let a: TestAgent;
  let b: TestAgent;
  beforeAll(async () => {
    a = await registerTestAgent(t);
    b = await registerTestAgent(t);
  });

  it('requeues an expired lease; another agent resumes from the checkpoint; the old holder can no longer write anything', async () => {
    await clearQueue();
    const [job] = await seedJobs(t);
    const first = (await claim(t, a))!;
    const asA = { token: a.token };
    // A trains a while: metrics, a checkpoint.
    await t.ok(LOG_COLUMNS, { jobId: job!.jobId, token: first.fencingToken, batchId: 'a-1', columns: { keys: ['loss', 'loss'], steps: [0, 1], values: [2.5, 2.25] } }, asA);
    const checkpoint = Buffer.from('weights at step 100 '.repeat(50));
    const upload = await uploadArtifact(t, a.token, checkpoint, first);
    expect(upload.status).toBe(201);
    await t.ok(REGISTER_CHECKPOINT, { jobId: job!.jobId, token: first.fencingToken, step: 100, sha256: upload.sha256, bytes: checkpoint.length }, asA);
    await t.ok(HEARTBEAT, { jobId: job!.jobId, token: first.fencingToken, progress: { step: 120 } }, asA);

    // A goes silent; its lease runs out.
    await expireLease(t, job!.jobId);
    const expired = await t.gql(HEARTBEAT, { jobId: job!.jobId, token: first.fencingToken }, asA);
    expect(errorCode(expired)).toBe('LEASE_LOST');
    expect(expired.errors?.[0]?.message).toMatch(/expired/);

    const pass = await reapOnce(t.api.services);
    expect(pass.reclaimed).toBe(1);
    const requeued = await jobRow(t, job!.jobId);
    expect(requeued).toMatchObject({ status: 'QUEUED', attempts: 1, lease_owner: null, run_status: 'QUEUED' });
    expect(requeued.last_error).toMatch(/lease expired .* on attempt 1 of 3 \(agent .* stopped heartbeating\)/);
    expect(requeued.backoff_s).toBeCloseTo(BASE, 6); // first retry waits the base
    await t.api.services.pool.query('UPDATE jobs SET not_before = now() WHERE id = $1', [job!.jobId]); // skip the wait

    const second = (await claim(t, b))!;
    expect(second).toMatchObject({ jobId: job!.jobId, attempt: 2, previousProgress: { step: 120 } });
    expect(BigInt(second.fencingToken)).toBeGreaterThan(BigInt(first.fencingToken));
    expect(second.latestCheckpoint).toEqual({ step: 100, sha256: upload.sha256, bytes: checkpoint.length, uri: expect.stringMatching(/^file:\/\//) });

    // Every write A might still attempt with its old token is refused, and stores nothing.
    const stored = await pointCount(job!.runId);
    const attempts = [
      t.gql(HEARTBEAT, { jobId: job!.jobId, token: first.fencingToken }, asA),
      t.gql(LOG_COLUMNS, { jobId: job!.jobId, token: first.fencingToken, batchId: 'a-2', columns: { keys: ['loss'], steps: [2], values: [2] } }, asA),
      t.gql(REPORT_EVALUATION, { jobId: job!.jobId, token: first.fencingToken, evaluations: [{ step: 100, kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'digit', dataset: 'mm', value: 0.5 }] }, asA),
      t.gql(REPORT_SIMILARITY, { jobId: job!.jobId, token: first.fencingToken, matrix: { kind: 'LINEAR_CKA', step: 100, dataset: 'mm', rowLabels: ['b1'], colLabels: ['b1'], values: [1] } }, asA),
      t.gql(REPORT_PATCH, { jobId: job!.jobId, token: first.fencingToken, diagnostics: [{ step: 100, dataset: 'mm', block: 1, isotropy: 0.5 }] }, asA),
      t.gql(REGISTER_CHECKPOINT, { jobId: job!.jobId, token: first.fencingToken, step: 200, sha256: upload.sha256, bytes: checkpoint.length }, asA),
      t.gql(COMPLETE, { jobId: job!.jobId, token: first.fencingToken }, asA),
      t.gql(FAIL, { jobId: job!.jobId, token: first.fencingToken, error: 'x', retryable: false }, asA),
      t.gql(RELEASE, { jobId: job!.jobId, token: first.fencingToken }, asA),
    ];
    for (const response of await Promise.all(attempts)) {
      expect(errorCode(response)).toBe('LEASE_LOST');
      expect(response.errors?.[0]?.message).toMatch(/lease lost on job/);
    }
    expect(await pointCount(job!.runId)).toBe(stored);
    const counts = await t.api.services.pool.query<{ e: number; s: number; p: number; c: number }>(
      `SELECT (SELECT count(*)::int FROM evaluations WHERE run_id = $1) AS e, (SELECT count(*)::int FROM similarity_matrices WHERE run_id = $1) AS s,
              (SELECT count(*)::int FROM patch_diagnostics WHERE run_id = $1) AS p, (SELECT count(*)::int FROM checkpoints WHERE run_id = $1) AS c`,
      [job!.runId],
    );
    expect(counts.rows[0]).toEqual({ e: 0, s: 0, p: 0, c: 1 });
    // The new holder is unaffected: its writes land and it can finish the run.
    await t.ok(LOG_COLUMNS, { jobId: job!.jobId, token: second.fencingToken, batchId: 'b-1', columns: { keys: ['loss'], steps: [2], values: [2] } }, { token: b.token });
    expect(await pointCount(job!.runId)).toBe(stored + 1);
    const done = await t.ok<{ completeJob: { status: string } }>(COMPLETE, { jobId: job!.jobId, token: second.fencingToken }, { token: b.token });
    expect(done.completeJob.status).toBe('SUCCEEDED');
    expect((await jobRow(t, job!.jobId)).run_agent).toBe(b.agentId);
  });

  it('a write racing the reaper either lands before the requeue or is refused — never after', async () => {
    await clearQueue();
    const [job] = await seedJobs(t);
    const held = (await claim(t, a))!;
    await t.api.services.pool.query(`UPDATE jobs SET lease_expires_at = now() + interval '150 milliseconds' WHERE id = $1`, [job!.jobId]);
    const outcomes: Array<'stored' | 'lost'> = [];
    const started = Date.now();
    for (let step = 0; Date.now() - started < 600 && step < 200; step++) {
      const response = await t.gql<{ logMetrics: { accepted: number } }>(LOG_COLUMNS, { jobId: job!.jobId, token: held.fencingToken, batchId: `r-${step}`, columns: { keys: ['loss'], steps: [step], values: [step] } }, { token: a.token });
      outcomes.push(response.data?.logMetrics ? 'stored' : 'lost');
      if (step % 3 === 0) await reapOnce(t.api.services);
    }
    // Once refused, refused for good; and exactly the acknowledged points are stored.
    const firstLost = outcomes.indexOf('lost');
    expect(firstLost).toBeGreaterThan(-1);
    expect(outcomes.slice(firstLost).every((o) => o === 'lost')).toBe(true);
    expect(await pointCount(job!.runId)).toBe(firstLost);
  });
});

describe('retries, backoff and attempts', () => {
  let agent: TestAgent;
  beforeAll(async () => { agent = await registerTestAgent(t); });

  it('retryable failures back off base · 2^(attempt−1), capped, and the job is not handed out before; attempts exhausted → FAILED with the last error', async () => {
    await clearQueue();
    const [job] = await seedJobs(t, { maxAttempts: 3 });
    let claimed = (await claim(t, agent))!;
    expect(claimed.attempt).toBe(1);
    for (let attempt = 1; attempt <= 2; attempt++) {
      const failed = await t.ok<{ failJob: { status: string; runStatus: string; attempts: number; notBefore: string; lastError: string } }>(
        FAIL, { jobId: job!.jobId, token: claimed.fencingToken, error: `CUDA out of memory #${attempt}`, retryable: true }, { token: agent.token },
      );
      const failedAt = Date.now();
      expect(failed.failJob).toMatchObject({ status: 'QUEUED', runStatus: 'QUEUED', attempts: attempt, lastError: `CUDA out of memory #${attempt}` });
      const backoff = Math.min(BASE * 2 ** (attempt - 1), MAX);
      // not_before and updated_at come from the same now(): the gap is the backoff, exactly.
      expect((await jobRow(t, job!.jobId)).backoff_s).toBeCloseTo(backoff, 6);
      // Claimers polling all along get nothing until the backoff has passed, then get the job.
      let next: Awaited<ReturnType<typeof claim>> = null;
      for (let i = 0; i < 100 && !next; i++) {
        next = await claim(t, agent);
        if (!next) await new Promise((resolve) => setTimeout(resolve, 25));
      }
      const waited = Date.now() - failedAt;
      expect(next?.attempt).toBe(attempt + 1);
      expect(waited).toBeGreaterThanOrEqual(backoff * 1000 - 50);
      expect(waited).toBeLessThan(backoff * 1000 + 1500);
      claimed = next!;
    }
    const last = claimed;
    expect(last.attempt).toBe(3);
    const final = await t.ok<{ failJob: { status: string; runStatus: string } }>(FAIL, { jobId: job!.jobId, token: last.fencingToken, error: 'CUDA out of memory #3', retryable: true }, { token: agent.token });
    expect(final.failJob).toMatchObject({ status: 'FAILED', runStatus: 'FAILED' });
    const row = await jobRow(t, job!.jobId);
    expect(row).toMatchObject({ status: 'FAILED', attempts: 3, last_error: 'CUDA out of memory #3', run_status: 'FAILED', run_error: 'CUDA out of memory #3' });
    expect(row.finished_at).not.toBeNull();
    await t.api.services.pool.query('UPDATE jobs SET not_before = now() - interval \'1 hour\' WHERE id = $1', [job!.jobId]);
    expect(await claim(t, agent)).toBeNull();
  });

  it('a non-retryable failure fails at once, whatever attempts remain', async () => {
    await clearQueue();
    const [job] = await seedJobs(t, { maxAttempts: 5 });
    const claimed = (await claim(t, agent))!;
    const failed = await t.ok<{ failJob: { status: string; attempts: number } }>(FAIL, { jobId: job!.jobId, token: claimed.fencingToken, error: 'config: unknown preset "huge"', retryable: false }, { token: agent.token });
    expect(failed.failJob).toMatchObject({ status: 'FAILED', attempts: 1 });
    expect((await jobRow(t, job!.jobId))).toMatchObject({ run_status: 'FAILED', run_error: 'config: unknown preset "huge"' });
  });

  it('the reaper fails a job whose last attempt expired, with the reason, and backs off earlier ones', async () => {
    await clearQueue();
    const [lastTry, earlyTry] = await seedJobs(t, { count: 2, maxAttempts: 2 });
    const first = (await claim(t, agent))!;
    const second = (await claim(t, agent))!;
    expect(new Set([first.jobId, second.jobId])).toEqual(new Set([lastTry!.jobId, earlyTry!.jobId]));
    await t.api.services.pool.query('UPDATE jobs SET attempts = 2 WHERE id = $1', [lastTry!.jobId]);
    await expireLease(t, lastTry!.jobId);
    await expireLease(t, earlyTry!.jobId);
    expect((await reapOnce(t.api.services)).reclaimed).toBe(2);
    const failed = await jobRow(t, lastTry!.jobId);
    expect(failed).toMatchObject({ status: 'FAILED', run_status: 'FAILED' });
    expect(failed.last_error).toMatch(/^lease expired at .* on attempt 2 of 2/);
    expect(failed.run_error).toBe(failed.last_error);
    const requeued = await jobRow(t, earlyTry!.jobId);
    expect(requeued.status).toBe('QUEUED');
    expect(requeued.backoff_s).toBeCloseTo(BASE, 6);
    // nothing left to reap
    expect((await reapOnce(t.api.services)).reclaimed).toBe(0);
  });

  it('the reaper ends a cancelled run\'s expired job CANCELLED rather than retrying it', async () => {
    await clearQueue();
    const [job] = await seedJobs(t);
    await claim(t, agent);
    await t.api.services.pool.query('UPDATE jobs SET cancel_requested = true WHERE id = $1', [job!.jobId]);
    await expireLease(t, job!.jobId);
    await reapOnce(t.api.services);
    expect(await jobRow(t, job!.jobId)).toMatchObject({ status: 'CANCELLED', run_status: 'CANCELLED' });
  });
});
