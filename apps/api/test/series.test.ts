// metricSeries: downsampling correctness against a brute-force reading of the documented rule,
// hand-computed bucket boundaries, extremes, tiny ranges, sparse series, blocks, bad input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { errorCode, errorField, seedPoints, seedRun } from './research-fixtures.js';
import { expectedSeries } from './series-rule.js';

let t: TestApi;
beforeAll(async () => { t = await startTestApi({ REAPER_INTERVAL_MS: '3600000' }); });
afterAll(async () => { await t.close(); });

const SERIES = `query($runIds: [ID!]!, $keys: [String!]!, $blocks: [Int], $fromStep: Int, $toStep: Int, $maxPoints: Int!) {
  metricSeries(runIds: $runIds, keys: $keys, blocks: $blocks, fromStep: $fromStep, toStep: $toStep, maxPoints: $maxPoints) {
    runId key block downsampled pointCount steps values mins maxs counts } }`;

interface Series { runId: string; key: string; block: number | null; downsampled: boolean; pointCount: number; steps: number[]; values: number[]; mins: number[] | null; maxs: number[] | null; counts: number[] | null }

async function series(vars: Record<string, unknown>): Promise<Series[]> {
  return (await t.ok<{ metricSeries: Series[] }>(SERIES, { maxPoints: 1000, ...vars }, 'reader')).metricSeries;
}

let dense: string;
let densePoints: Array<[number, number]>;
beforeAll(async () => {
  dense = await seedRun(t, { name: 'dense' });
  // A decaying loss with deterministic wiggle and two spikes the downsampling must not lose.
  densePoints = Array.from({ length: 10_000 }, (_, s) => [s, Math.exp(-s / 3000) + 0.01 * Math.sin(s * 1.7)] as [number, number]);
  densePoints[4321]![1] = 9.5;
  densePoints[7777]![1] = -3.25;
  await seedPoints(t, dense, 'loss', densePoints);
});

describe('metricSeries downsampling', () => {
  it('matches the documented bucketing exactly and keeps extremes, first and last step', async () => {
    for (const M of [2, 3, 100, 999]) {
      const [s] = await series({ runIds: [dense], keys: ['loss'], maxPoints: M });
      const want = expectedSeries(densePoints, M);
      expect(s).toMatchObject({ runId: dense, key: 'loss', block: null, pointCount: 10_000, ...want });
      expect(s!.steps.length).toBeLessThanOrEqual(M);
      expect(s!.steps[0]).toBe(0);
      expect(s!.steps.at(-1)).toBe(9_999);
      expect(Math.max(...s!.maxs!)).toBe(9.5);
      expect(Math.min(...s!.mins!)).toBe(-3.25);
      expect(s!.counts!.reduce((a, b) => a + b, 0)).toBe(10_000);
    }
  });

  it('puts bucket boundaries on multiples of the power-of-two width (hand-computed)', async () => {
    const run = await seedRun(t, { name: 'boundaries' });
    // Steps 0..10, value s²; maxPoints 6 → at most 5 buckets over steps 1..10: width 2 gives 6
    // (0|1, 2–3, …, 10), width 4 gives 3: steps 1–3 | 4–7 | 8–10.
    await seedPoints(t, run, 'loss', Array.from({ length: 11 }, (_, s) => [s, s * s]));
    const [s] = await series({ runIds: [run], keys: ['loss'], maxPoints: 6 });
    expect(s).toMatchObject({
      downsampled: true, pointCount: 11,
      steps: [0, 3, 7, 10], values: [0, 9, 49, 100],
      mins: [0, 1, 16, 64], maxs: [0, 9, 49, 100], counts: [1, 3, 4, 3],
    });
    // maxPoints 3 → at most 2 buckets: width 8, steps 1–7 | 8–10.
    const [t3] = await series({ runIds: [run], keys: ['loss'], maxPoints: 3 });
    expect(t3).toMatchObject({ steps: [0, 7, 10], values: [0, 49, 100], mins: [0, 1, 64], maxs: [0, 49, 100], counts: [1, 7, 3] });
  });

  it('builds buckets from rollup rows and raw edge points (hand-computed)', async () => {
    const run = await seedRun(t, { name: 'rollup-boundaries' });
    // Steps 0..99, value s²; maxPoints 4 → width 64: steps 1–63 (raw 1–15, rollup rows 16–31 and
    // 32–63) | 64–99 (rollup row 64–95, raw 96–99).
    await seedPoints(t, run, 'loss', Array.from({ length: 100 }, (_, s) => [s, s * s]));
    const [s] = await series({ runIds: [run], keys: ['loss'], maxPoints: 4 });
    expect(s).toMatchObject({
      downsampled: true, pointCount: 100,
      steps: [0, 63, 99], values: [0, 3969, 9801], mins: [0, 1, 4096], maxs: [0, 3969, 9801], counts: [1, 63, 36],
    });
  });

  it('returns raw points up to maxPoints, and downsamples from maxPoints + 1', async () => {
    const run = await seedRun(t, { name: 'edge' });
    await seedPoints(t, run, 'loss', Array.from({ length: 101 }, (_, s) => [s * 3, 100 - s]));
    const [exact] = await series({ runIds: [run], keys: ['loss'], toStep: 297, maxPoints: 100 });
    expect(exact).toMatchObject({ downsampled: false, pointCount: 100, mins: null, maxs: null, counts: null });
    expect(exact!.steps).toEqual(Array.from({ length: 100 }, (_, s) => s * 3));
    const [over] = await series({ runIds: [run], keys: ['loss'], maxPoints: 100 });
    expect(over!.downsampled).toBe(true);
    expect(over!.pointCount).toBe(101);
    expect(over!.steps.length).toBeLessThanOrEqual(100);
    expect(over).toMatchObject(expectedSeries(Array.from({ length: 101 }, (_, s) => [s * 3, 100 - s]), 100));
  });

  it('keeps sparse series raw even when their step span is far wider than maxPoints', async () => {
    const run = await seedRun(t, { name: 'sparse' });
    const points = Array.from({ length: 50 }, (_, i) => [i * i * 1000, i / 7] as [number, number]);
    await seedPoints(t, run, 'eval_loss', points);
    const [s] = await series({ runIds: [run], keys: ['eval_loss'], maxPoints: 60 });
    expect(s).toMatchObject({ downsampled: false, pointCount: 50, steps: points.map((p) => p[0]), values: points.map((p) => p[1]) });
  });

  it('handles tiny and empty ranges', async () => {
    const [one] = await series({ runIds: [dense], keys: ['loss'], fromStep: 4321, toStep: 4321 });
    expect(one).toMatchObject({ downsampled: false, pointCount: 1, steps: [4321], values: [9.5] });
    const window = densePoints.slice(2500, 2601);
    const [w] = await series({ runIds: [dense], keys: ['loss'], fromStep: 2500, toStep: 2600, maxPoints: 10 });
    expect(w).toMatchObject({ pointCount: 101, ...expectedSeries(window, 10) });
    expect(w!.steps[0]).toBe(2500);
    expect(w!.steps.at(-1)).toBe(2600);
    const [none] = await series({ runIds: [dense], keys: ['loss'], fromStep: 20_000, toStep: 30_000 });
    expect(none).toMatchObject({ downsampled: false, pointCount: 0, steps: [], values: [], mins: null });
  });
});

describe('metricSeries blocks, keys and ordering', () => {
  let blockwise: string;
  let other: string;
  beforeAll(async () => {
    blockwise = await seedRun(t, { name: 'bw', mode: 'BLOCKWISE_SIMULTANEOUS' });
    other = await seedRun(t, { name: 'bw2', mode: 'BLOCKWISE_SEQUENTIAL' });
    for (const run of [blockwise, other]) {
      await seedPoints(t, run, 'loss', [[0, 1], [10, 0.5]], 1);
      await seedPoints(t, run, 'loss', [[0, 2], [10, 0.7]], 2);
      await seedPoints(t, run, 'lr', [[0, 0.001], [10, 0.0005]], 0);
    }
  });

  it('finds every logged block when none are asked for, in run, key, block order', async () => {
    const result = await series({ runIds: [other, blockwise], keys: ['lr', 'loss'] });
    expect(result.map((s) => [s.runId, s.key, s.block])).toEqual([
      [other, 'lr', null], [other, 'loss', 1], [other, 'loss', 2],
      [blockwise, 'lr', null], [blockwise, 'loss', 1], [blockwise, 'loss', 2],
    ]);
    expect(result[2]).toMatchObject({ steps: [0, 10], values: [2, 0.7] });
  });

  it('returns exactly the asked-for blocks (null = whole model), empty where nothing was logged', async () => {
    // grad_norm: a trainer key nothing in this database has logged yet (a live chart asks for it
    // before the first point arrives).
    const result = await series({ runIds: [blockwise], keys: ['loss', 'grad_norm'], blocks: [2, null] });
    expect(result.map((s) => [s.key, s.block, s.pointCount])).toEqual([
      ['loss', null, 0], ['loss', 2, 2], ['grad_norm', null, 0], ['grad_norm', 2, 0],
    ]);
    expect(await series({ runIds: [blockwise], keys: ['grad_norm'] })).toEqual([]);
  });

  it('refuses a key nothing has logged, listing the keys the runs have, closest first', async () => {
    const response = await t.gql(SERIES, { runIds: [blockwise], keys: ['los'], maxPoints: 10 }, 'reader');
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(errorField(response)).toContain('keys');
    expect(response.errors![0]!.message).toBe('unknown metric key "los"; the run has: loss, lr');
    const near = await t.gql(SERIES, { runIds: [blockwise, other], keys: ['loss', 'lx', 'acc'], maxPoints: 10 }, 'reader');
    expect(near.errors![0]!.message).toBe('unknown metric keys "lx", "acc"; these runs have: lr, loss');
    const empty = await seedRun(t, { name: 'empty' });
    const none = await t.gql(SERIES, { runIds: [empty], keys: ['los'], maxPoints: 10 }, 'reader');
    expect(none.errors![0]!.message).toBe('unknown metric key "los"; the run has no metrics yet');
    // Logged by any run, the key is known: another run without it just has no series.
    expect(await series({ runIds: [empty], keys: ['loss'] })).toEqual([]);
  });

  it('lists the logged keys and blocks of runs', async () => {
    const { metricKeys } = await t.ok<{ metricKeys: Array<{ runId: string; key: string; block: number | null; firstStep: number; lastStep: number; lastValue: number }> }>(
      `query($ids: [ID!]!) { metricKeys(runIds: $ids) { runId key block firstStep lastStep lastValue } }`, { ids: [blockwise, dense] }, 'reader');
    expect(metricKeys).toEqual([
      { runId: blockwise, key: 'loss', block: 1, firstStep: 0, lastStep: 10, lastValue: 0.5 },
      { runId: blockwise, key: 'loss', block: 2, firstStep: 0, lastStep: 10, lastValue: 0.7 },
      { runId: blockwise, key: 'lr', block: null, firstStep: 0, lastStep: 10, lastValue: 0.0005 },
      { runId: dense, key: 'loss', block: null, firstStep: 0, lastStep: 9999, lastValue: densePoints[9999]![1] },
    ]);
  });
});

describe('metricSeries bad input', () => {
  it.each([
    ['maxPoints below 2', { maxPoints: 1 }, 'BAD_USER_INPUT', 'maxPoints'],
    ['maxPoints above the limit', { maxPoints: 100_001 }, 'BAD_USER_INPUT', 'maxPoints'],
    ['fromStep after toStep', { fromStep: 10, toStep: 5 }, 'BAD_USER_INPUT', 'fromStep'],
    ['a negative step', { fromStep: -1 }, 'BAD_USER_INPUT', 'fromStep'],
    ['a malformed run id', { runIds: ['x'] }, 'BAD_USER_INPUT', 'runIds'],
    ['no keys', { keys: [] }, 'BAD_USER_INPUT', 'keys'],
    ['too many series', { keys: Array.from({ length: 50 }, (_, i) => `k${i}`), blocks: Array.from({ length: 13 }, (_, i) => i) }, 'BAD_USER_INPUT', 'runIds'],
    ['an unknown run', { runIds: ['00000000-0000-4000-8000-000000000000'] }, 'NOT_FOUND', undefined],
  ])('refuses %s', async (_label, change, code, field) => {
    const response = await t.gql(SERIES, { runIds: [dense], keys: ['loss'], maxPoints: 1000, ...change }, 'reader');
    expect(errorCode(response)).toBe(code);
    if (field) expect(errorField(response)).toContain(field);
  });
});

describe('metricSeriesColumns', () => {
  const COLUMNS = SERIES.replace('metricSeries(', 'metricSeriesColumns(');

  it('returns the same series as metricSeries, each column one JSON array, downsampled and raw', async () => {
    const sparse = await seedRun(t, { name: 'columns-sparse' });
    await seedPoints(t, sparse, 'loss', [[0, 1.5], [5, -2], [90_000, 0.25]]);
    for (const vars of [
      { runIds: [dense], keys: ['loss'], maxPoints: 999 },
      { runIds: [dense], keys: ['loss'], maxPoints: 20_000 },
      { runIds: [dense], keys: ['loss'], fromStep: 1234, toStep: 8765, maxPoints: 100 },
      { runIds: [dense, sparse], keys: ['loss', 'lr'], maxPoints: 2 },
    ]) {
      const lists = (await t.ok<{ metricSeries: Series[] }>(SERIES, vars, 'reader')).metricSeries;
      const columns = (await t.ok<{ metricSeriesColumns: Series[] }>(COLUMNS, vars, 'reader')).metricSeriesColumns;
      expect(columns).toEqual(lists);
    }
    const [raw] = (await t.ok<{ metricSeriesColumns: Series[] }>(COLUMNS, { runIds: [dense], keys: ['loss'], maxPoints: 20_000 }, 'reader')).metricSeriesColumns;
    expect(raw!.steps).toEqual(densePoints.map(([s]) => s));
    expect(raw!.values).toEqual(densePoints.map(([, v]) => v));
  });

  it('refuses the same bad input as metricSeries', async () => {
    const response = await t.gql(COLUMNS, { runIds: [dense], keys: ['loss'], maxPoints: 1 }, 'reader');
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
  });
});
