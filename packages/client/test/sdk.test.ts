// The SDK in-process against the real API: paging iterators, step windows, errors with the API's
// codes, analysis queries against hand-computed values, and the subscription-driven watch.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, StratumError, type StratumClient } from '../src/index.js';
import { parseRule } from '../src/check/rules.js';
import { ruleToInput } from '../src/check/outcomes.js';
import { startStack, type Stack } from './harness.js';
import { insertProbe, insertSeries, seriesValue, setRunStatus, sweepRuns, type SeededRun } from './seed.js';

let s: Stack;
let client: StratumClient;
let requests = 0;
let runs: SeededRun[];
let sweepId: string;

const spec = (name: string, seeds: number[], modes: Array<'E2E' | 'BLOCKWISE_SIMULTANEOUS'> = ['E2E', 'BLOCKWISE_SIMULTANEOUS']) => ({
  project: 'sdk-test', name, factors: { modelSizes: ['nano'], blocks: [2], modes, seeds }, steps: 20,
});

beforeAll(async () => {
  s = await startStack();
  const counting: typeof fetch = (input, init) => { requests++; return fetch(input, init); };
  client = createClient({ url: s.url, token: s.tokens.writer, fetch: counting });
  const created = await client.createSweep(spec('sdk-grid', [0, 1, 2, 3]));
  sweepId = created.sweep.id;
  runs = await sweepRuns(s.pool, 'sdk-grid');
});
afterAll(async () => {
  await client?.close();
  await s?.close();
});

describe('SDK: sweeps and runs', () => {
  it('createSweep is idempotent and reports a conflicting spec with CONFLICT', async () => {
    const again = await client.createSweep(spec('sdk-grid', [0, 1, 2, 3]));
    expect(again.created).toBe(false);
    expect(again.sweep.id).toBe(sweepId);
    const conflict = await client.createSweep(spec('sdk-grid', [0, 1])).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(StratumError);
    expect((conflict as StratumError).code).toBe('CONFLICT');
  });

  it('findSweep resolves names and ids, and says NOT_FOUND otherwise', async () => {
    expect((await client.findSweep('sdk-grid')).id).toBe(sweepId);
    expect((await client.findSweep(sweepId)).name).toBe('sdk-grid');
    await expect(client.findSweep('sdk-grid', 'other-project')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('runs() pages through the Relay connection', async () => {
    const before = requests;
    const ids: string[] = [];
    for await (const run of client.runs({ sweepId }, { pageSize: 3, orderBy: { field: 'SEED', direction: 'ASC' } })) ids.push(run.id);
    expect(ids).toHaveLength(8);
    expect(new Set(ids)).toEqual(new Set(runs.map((r) => r.id)));
    expect(requests - before).toBe(Math.ceil(8 / 3));
  });

  it('run() returns details and errors carry the API code', async () => {
    const run = await client.run(runs[0]?.id as string);
    expect(run.sweep?.name).toBe('sdk-grid');
    await expect(client.run('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client.run('not-a-uuid')).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    const anonymous = createClient({ url: s.url, token: 'stm_not_a_token' });
    await expect(anonymous.viewer()).rejects.toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
  });
});

describe('SDK: metric series by step windows', () => {
  it('yields every raw point in order, never more than pagePoints per request, growing windows over sparse series', async () => {
    const [a, b] = runs as [SeededRun, SeededRun];
    await insertSeries(s.pool, a.id, 'loss', 0, 1000);                   // dense: 1000 points, steps 0..999
    await insertSeries(s.pool, a.id, 'loss', 1, 200, { stride: 250 });   // sparse: 200 points over 50,000 steps
    await insertSeries(s.pool, b.id, 'loss', 1, 5);                      // three tiny series: one request
    await insertSeries(s.pool, b.id, 'loss', 2, 5);
    await insertSeries(s.pool, b.id, 'lr', 0, 5);
    const before = requests;
    const seen: Array<[string, string, number | null, number, number]> = [];
    let largest = 0;
    for await (const chunk of client.series({ runIds: [a.id, b.id], pagePoints: 100 })) {
      largest = Math.max(largest, chunk.steps.length);
      chunk.steps.forEach((step, i) => seen.push([chunk.runId, chunk.key, chunk.block, step, chunk.values[i] as number]));
    }
    const expected: Array<[string, string, number | null, number, number]> = [];
    const push = (run: string, key: string, block: number, count: number, stride = 1) => {
      for (let i = 0; i < count; i++) expected.push([run, key, block === 0 ? null : block, i * stride, seriesValue(i * stride, block)]);
    };
    push(a.id, 'loss', 0, 1000); push(a.id, 'loss', 1, 200, 250); push(b.id, 'loss', 1, 5); push(b.id, 'loss', 2, 5); push(b.id, 'lr', 0, 5);
    expect(seen).toEqual(expected);
    expect(largest).toBeLessThanOrEqual(100);
    // 1 metricKeys + 10 dense windows + a sparse series in doubling windows (< 15) + 2 for run b.
    const used = requests - before;
    expect(used).toBeGreaterThanOrEqual(1 + 10 + 2 + 2);
    expect(used).toBeLessThan(1 + 10 + 15 + 2);
  });

  it('respects keys, blocks and the step range', async () => {
    const [a] = runs as [SeededRun];
    const points: number[] = [];
    for await (const chunk of client.series({ runIds: [a.id], keys: ['loss'], blocks: [1], fromStep: 400, toStep: 1500, pagePoints: 2 })) points.push(...chunk.steps);
    expect(points).toEqual([500, 750, 1000, 1250, 1500]);
  });
});

describe('SDK: analysis against hand-computed values', () => {
  it('sweepGrid: mean, std and n per cell over seeds', async () => {
    await setRunStatus(s.pool, runs.map((r) => r.id), 'SUCCEEDED');
    // E2E seeds 0..3 → 0.40, 0.42, 0.44, 0.46 (mean 0.43, sample std √(0.002/3)); simultaneous → 0.5 each.
    const values = runs.map((r) => (r.mode === 'E2E' ? 0.4 + 0.02 * r.seed : 0.5));
    await insertProbe(s.pool, runs, values);
    const grid = await client.sweepGrid({ sweepId, metric: { source: 'EVALUATION', kind: 'LINEAR_PROBE', target: 'digit' } });
    const e2e = grid.cells.find((c) => c.mode === 'E2E');
    expect(e2e).toMatchObject({ n: 4, runs: 4, missing: 0 });
    expect(e2e?.mean).toBeCloseTo(0.43, 12);
    expect(e2e?.std).toBeCloseTo(Math.sqrt((0.03 ** 2 + 0.01 ** 2 + 0.01 ** 2 + 0.03 ** 2) / 3), 12);
    const sim = grid.cells.find((c) => c.mode === 'BLOCKWISE_SIMULTANEOUS');
    expect(sim?.mean).toBeCloseTo(0.5, 12);
    expect(sim?.std).toBeCloseTo(0, 12);
  });

  it('depthProfile: a value per block with its mean over runs', async () => {
    const e2e = runs.filter((r) => r.mode === 'E2E');
    // Block 1 values: 0.2 + 0.01·seed (block 2 values were inserted above).
    await s.pool.query(
      `INSERT INTO evaluations (run_id, step, kind, metric, target, dataset, split, depth_unit, depth, value)
       SELECT r, 20, 'LINEAR_PROBE', 'accuracy', 'digit', 'moving-mnist', 'eval', 'BLOCK', 1, v FROM unnest($1::uuid[], $2::float8[]) AS t(r, v)`,
      [e2e.map((r) => r.id), e2e.map((r) => 0.2 + 0.01 * r.seed)]);
    const profile = await client.depthProfile({ runIds: e2e.map((r) => r.id), metric: { source: 'EVALUATION', kind: 'LINEAR_PROBE' } });
    expect(profile.points.map((p) => p.depth)).toEqual([1, 2]);
    expect(profile.points[0]?.mean).toBeCloseTo(0.2 + 0.01 * 1.5, 12);
    expect(profile.points[1]?.mean).toBeCloseTo(0.43, 12);
  });

  it('similarity: the stored matrix, with labels', async () => {
    const run = runs[0] as SeededRun;
    await s.pool.query(
      `INSERT INTO similarity_matrices (run_id, kind, step, dataset, row_labels, col_labels, values)
       VALUES ($1, 'LINEAR_CKA', 20, 'moving-mnist', '{b1,b2}', '{b1,b2}', '{1,0.9,0.9,1}')`, [run.id]);
    const matrix = await client.similarity({ runId: run.id, kind: 'LINEAR_CKA' });
    expect(matrix).toMatchObject({ rows: 2, cols: 2, rowLabels: ['b1', 'b2'], matrix: [[1, 0.9], [0.9, 1]], step: 20 });
    expect(await client.similarity({ runId: (runs[1] as SeededRun).id, kind: 'LINEAR_CKA' })).toBeNull();
  });

  it('baselines and checkRegression through the SDK', async () => {
    const base = await client.createSweep(spec('sdk-base', [0, 1, 2], ['E2E']));
    const baseRuns = await sweepRuns(s.pool, 'sdk-base');
    await setRunStatus(s.pool, baseRuns.map((r) => r.id), 'SUCCEEDED');
    await insertProbe(s.pool, baseRuns, [0.43, 0.43, 0.43]);
    const baseline = await client.setBaseline({ project: 'sdk-test', name: 'ref', sweepId: base.sweep.id });
    expect(baseline.sweep?.name).toBe('sdk-base');
    expect((await client.baselines('sdk-test')).map((b) => b.name)).toEqual(['ref']);
    expect(await client.baseline('sdk-test', 'nope')).toBeNull();
    const rule = parseRule('probe_acc:target=digit:max_drop=0.05');
    const report = await client.checkRegression({ project: 'sdk-test', baseline: 'ref', candidate: { sweepId }, rules: [ruleToInput(rule)] });
    // The candidate's E2E cell (mean 0.43) matches the baseline's; its simultaneous cell has no baseline runs.
    const e2e = report.verdicts.find((v) => v.cell?.mode === 'E2E');
    expect(e2e).toMatchObject({ verdict: 'PASS', candidateN: 4, baselineN: 3 });
    expect(e2e?.delta).toBeCloseTo(0, 12);
  });
});

describe('SDK: watchSweep', () => {
  it('wakes on a status event long before the poll interval, and ends when the sweep has finished', async () => {
    const created = await client.createSweep(spec('sdk-watch', [0, 1], ['E2E']));
    const watchRuns = await sweepRuns(s.pool, 'sdk-watch');
    const updates: number[] = [];
    const started = Date.now();
    const iterator = client.watchSweep(created.sweep.id, { intervalMs: 60_000 });
    const first = await iterator.next();
    expect(first.value && first.value.statusCounts.queued).toBe(2);
    // Let the subscription connect, then cancel a run through the API (which publishes the event).
    await new Promise((r) => setTimeout(r, 500));
    await s.gql('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: watchRuns[0]?.id });
    const second = await iterator.next();
    updates.push(Date.now() - started);
    expect(second.value && second.value.statusCounts.cancelled).toBe(1);
    await s.gql('mutation($id: ID!) { cancelRun(id: $id) { id } }', { id: watchRuns[1]?.id });
    let last = second.value;
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) last = r.value;
    expect(last && last.statusCounts.cancelled).toBe(2);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
