// logMetrics: idempotent replays, atomic refusal of non-finite values, both input shapes,
// exact storage, limits, metric keys, and the live-metrics event.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestApi } from './harness.js';
import { Topics } from '../src/events/pubsub.js';
import { claim, errorCode, holdFreshJob, LOG_COLUMNS, LOG_POINTS, startAgentApi, seedJobs, type Claimed, type TestAgent } from './agent-fixtures.js';

let t: TestApi;
let agent: TestAgent;
beforeAll(async () => ({ t, agent } = await startAgentApi()));
afterAll(async () => { await t.close(); });

let job: Claimed;
beforeEach(async () => { job = await holdFreshJob(t, agent); });

interface Stored { key: string; block: number; step: number; value: number; wall_ms: number | null }

async function stored(runId: string): Promise<Stored[]> {
  const { rows } = await t.api.services.pool.query<Stored>(
    `SELECT k.name AS key, p.block, p.step, p.value, (extract(epoch FROM p.wall_time) * 1000)::float8 AS wall_ms
     FROM metric_points p JOIN metric_keys k ON k.id = p.key_id WHERE p.run_id = $1 ORDER BY k.name, p.block, p.step`,
    [runId],
  );
  return rows;
}

function log(columns: Record<string, unknown>, batchId = 'b1', fencingToken = job.fencingToken) {
  return t.gql<{ logMetrics: { batchId: string; accepted: number; duplicates: number } }>(LOG_COLUMNS, { jobId: job.jobId, token: fencingToken, batchId, columns }, { token: agent.token });
}

describe('logMetrics', () => {
  it('stores a replayed batch once: the replays report duplicates, not errors', async () => {
    const n = 1000;
    const columns = {
      keys: Array.from({ length: n }, (_, i) => (i % 2 ? 'loss/train' : 'loss/block')),
      blocks: Array.from({ length: n }, (_, i) => (i % 2 ? null : 1 + ((i / 2) % 2))),
      steps: Array.from({ length: n }, (_, i) => Math.floor(i / 2)),
      values: Array.from({ length: n }, (_, i) => Math.sin(i) * 10),
    };
    // (key, block, step) are distinct within this batch: expect every point stored once.
    const distinct = new Set(columns.keys.map((k, i) => `${k}|${columns.blocks[i] ?? 0}|${columns.steps[i]}`));
    expect(distinct.size).toBe(n);
    const results = [];
    for (let i = 0; i < 3; i++) results.push((await log(columns, 'replayed')).data!.logMetrics);
    expect(results).toEqual([
      { batchId: 'replayed', accepted: n, duplicates: 0 },
      { batchId: 'replayed', accepted: 0, duplicates: n },
      { batchId: 'replayed', accepted: 0, duplicates: n },
    ]);
    const rows = await stored(job.runId);
    expect(rows).toHaveLength(n);
    const expected = columns.keys.map((key, i) => ({ key, block: columns.blocks[i] ?? 0, step: columns.steps[i]!, value: columns.values[i]!, wall_ms: null }));
    expected.sort((a, b) => a.key.localeCompare(b.key) || a.block - b.block || a.step - b.step);
    expect(rows).toEqual(expected);
  });

  it('counts a point repeated inside one batch, or overlapping an earlier batch, as a duplicate; the first value stays', async () => {
    const first = await log({ keys: ['acc', 'acc'], steps: [1, 2], values: [0.5, 0.6] }, 'first');
    expect(first.data!.logMetrics).toMatchObject({ accepted: 2, duplicates: 0 });
    const overlap = await log({ keys: ['acc', 'acc', 'acc', 'acc'], steps: [2, 3, 3, 4], values: [9, 0.7, 9, 0.8] }, 'overlap');
    expect(overlap.data!.logMetrics).toMatchObject({ accepted: 2, duplicates: 2 });
    expect((await stored(job.runId)).map((r) => [r.step, r.value])).toEqual([[1, 0.5], [2, 0.6], [3, 0.7], [4, 0.8]]);
  });

  it('refuses a batch holding a NaN, naming its key and step, and stores nothing of it', async () => {
    const values = [1, 2, Number.NaN, 4];
    // What an agent's JSON.stringify does with NaN: it becomes null on the wire.
    const wire = JSON.parse(JSON.stringify({ keys: ['loss', 'loss', 'grad/norm-brand-new-key', 'loss'], steps: [10, 11, 12, 13], values })) as Record<string, unknown>;
    const response = await log(wire, 'with-nan');
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(response.errors?.[0]?.message).toContain('"grad/norm-brand-new-key"');
    expect(response.errors?.[0]?.message).toContain('step 12');
    expect(response.errors?.[0]?.message).toMatch(/not a finite number.*nothing of batch with-nan was written/);
    expect(await stored(job.runId)).toEqual([]);
    const key = await t.api.services.pool.query('SELECT 1 FROM metric_keys WHERE name = $1', ['grad/norm-brand-new-key']);
    expect(key.rowCount).toBe(0);
    // ±Infinity travel the same way
    const inf = await t.gql(LOG_POINTS, { jobId: job.jobId, token: job.fencingToken, batchId: 'inf', points: JSON.parse(JSON.stringify([{ key: 'loss', step: 1, value: Infinity }])) }, { token: agent.token });
    expect(inf.errors?.[0]?.message).toMatch(/point 0 \(key "loss", step 1\): value is not a finite number/);
  });

  it('accepts points as objects too, with the same result as columns', async () => {
    const points = [
      { key: 'loss', step: 0, value: 3.5, block: null, wallTime: 1_700_000_000_123.5 },
      { key: 'loss', step: 0, value: 2.5, block: 2 },
      { key: 'lr', step: 0, value: 1e-4 },
    ];
    const response = await t.gql<{ logMetrics: { accepted: number } }>(LOG_POINTS, { jobId: job.jobId, token: job.fencingToken, batchId: 'objects', points }, { token: agent.token });
    expect(response.data?.logMetrics.accepted).toBe(3);
    expect(await stored(job.runId)).toEqual([
      { key: 'loss', block: 0, step: 0, value: 3.5, wall_ms: 1_700_000_000_123.5 },
      { key: 'loss', block: 2, step: 0, value: 2.5, wall_ms: null },
      { key: 'lr', block: 0, step: 0, value: 1e-4, wall_ms: null },
    ]);
    // The same points as columns are all duplicates now.
    const again = await log({ keys: ['loss', 'loss', 'lr'], blocks: [0, 2, null], steps: [0, 0, 0], values: [3.5, 2.5, 1e-4] });
    expect(again.data!.logMetrics).toMatchObject({ accepted: 0, duplicates: 3 });
  });

  it('stores doubles bit-exactly and wall times to the microsecond', async () => {
    const values = [0.1, 1 / 3, -2.5e300, 5e-324, Number.MAX_VALUE, -0.000123456789012345];
    const wallTimes = values.map((_, i) => 1_700_000_000_000 + i * 1.5);
    await log({ keys: values.map(() => 'x'), steps: values.map((_, i) => i), values, wallTimes });
    const rows = await stored(job.runId);
    expect(rows.map((r) => r.value)).toEqual(values);
    expect(rows.map((r) => r.wall_ms)).toEqual(wallTimes);
  });

  it('refuses malformed batches with the field named, writing nothing', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ keys: ['a', 'a'], steps: [1], values: [1, 2] }, /columns.steps has 1 entries but columns.keys has 2/],
      [{ keys: ['a'], steps: [-1], values: [1] }, /step must be ≥ 0/],
      [{ keys: ['a'], steps: [1], values: [1], blocks: [-2] }, /block must be 0–32767/],
      [{ keys: [''], steps: [1], values: [1] }, /metric key must be 1–200 characters/],
      [{ keys: ['a'], steps: [1], values: [1], wallTimes: [-5] }, /wallTime must be milliseconds since the Unix epoch/],
    ];
    for (const [columns, message] of cases) {
      const response = await log(columns);
      expect(errorCode(response)).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0]?.message).toMatch(message);
    }
    const both = await t.gql(`mutation($j: ID!, $t: String!) { logMetrics(jobId: $j, fencingToken: $t, batchId: "x", columns: { keys: [], steps: [], values: [] }, points: []) { accepted } }`, { j: job.jobId, t: job.fencingToken }, { token: agent.token });
    expect(both.errors?.[0]?.message).toMatch(/exactly one of columns or points/);
    expect(await stored(job.runId)).toEqual([]);
  });

  it('takes 50,000 points in one call and refuses 50,001', async () => {
    const n = 50_000;
    const columns = { keys: new Array<string>(n).fill('loss/train'), steps: Array.from({ length: n }, (_, i) => i), values: Array.from({ length: n }, (_, i) => 1 / (i + 1)) };
    expect((await log(columns, 'big')).data!.logMetrics).toMatchObject({ accepted: n, duplicates: 0 });
    const tooMany = await log({ keys: [...columns.keys, 'loss/train'], steps: [...columns.steps, n], values: [...columns.values, 0] }, 'too-big');
    expect(tooMany.errors?.[0]?.message).toMatch(/at most 50000 points; batch too-big has 50001/);
    const count = await t.api.services.pool.query<{ n: number; s: number }>('SELECT count(*)::int AS n, max(step) AS s FROM metric_points WHERE run_id = $1', [job.runId]);
    expect(count.rows[0]).toEqual({ n, s: n - 1 });
  });

  it('refuses a stale fencing token without writing', async () => {
    const response = await log({ keys: ['a'], steps: [1], values: [1] }, 'stale', String(BigInt(job.fencingToken) + 1n));
    expect(errorCode(response)).toBe('LEASE_LOST');
    expect(await stored(job.runId)).toEqual([]);
  });

  it('creates metric keys once, whoever logs them first', async () => {
    const names = ['probe/a', 'probe/b', 'probe/c'];
    const [second] = await seedJobs(t);
    const other = (await claim(t, agent))!;
    expect(other.jobId).toBe(second!.jobId);
    await Promise.all([
      log({ keys: names, steps: [0, 0, 0], values: [1, 2, 3] }, 'k1'),
      t.gql(LOG_COLUMNS, { jobId: other.jobId, token: other.fencingToken, batchId: 'k2', columns: { keys: [...names].reverse(), steps: [0, 0, 0], values: [1, 2, 3] } }, { token: agent.token }),
    ]);
    const keys = await t.api.services.pool.query<{ name: string; n: number }>('SELECT name, count(*)::int AS n FROM metric_keys WHERE name = ANY($1) GROUP BY name ORDER BY name', [names]);
    expect(keys.rows).toEqual(names.map((name) => ({ name, n: 1 })));
    expect(await stored(job.runId)).toHaveLength(3);
  });

  it('publishes the newest points of a run after commit, at most 200, within the NOTIFY limit', async () => {
    const events = t.api.services.pubsub.subscribe(Topics.runMetrics(job.runId))[Symbol.asyncIterator]();
    const n = 300;
    const columns = { keys: new Array<string>(n).fill('loss/train'), blocks: Array.from({ length: n }, (_, i) => i % 3), steps: Array.from({ length: n }, (_, i) => i), values: Array.from({ length: n }, (_, i) => i / 7) };
    await log(columns, 'live');
    const next = await Promise.race([events.next(), new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no event within 5 s')), 5000))]);
    await events.return?.();
    const event = next.value as { runId: string; points: Array<{ key: string; block: number | null; step: number; value: number }> };
    expect(event.runId).toBe(job.runId);
    expect(event.points.length).toBeGreaterThan(0);
    expect(event.points.length).toBeLessThanOrEqual(200);
    // The newest points, in order, ending with the batch's last; block 0 is reported as null (whole model).
    const k = event.points.length;
    expect(event.points).toEqual(columns.steps.slice(n - k).map((step) => ({ key: 'loss/train', block: columns.blocks[step] === 0 ? null : columns.blocks[step], step, value: columns.values[step] })));
    expect(JSON.stringify({ topic: Topics.runMetrics(job.runId), payload: event }).length).toBeLessThan(8000);
  });
});
