// sweepGrid statistics against hand-computed values, depth profiles, similarity matrices,
// patch diagnostics and compareRuns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { errorCode, errorField, matrix, seedEvaluation, seedPoints, seedRun, seedSimilarity, seedSweep, type SeededRun } from './research-fixtures.js';

let t: TestApi;
beforeAll(async () => { t = await startTestApi({ REAPER_INTERVAL_MS: '3600000' }); });
afterAll(async () => { await t.close(); });

// t(0.975) from tables, for the hand computations below.
const T975 = { 1: 12.706204736, 2: 4.302652730 };

const GRID = `query($sweepId: ID!, $metric: MetricSelector!, $block: Int, $at: Int) {
  sweepGrid(sweepId: $sweepId, metric: $metric, block: $block, at: $at) {
    sweepId block at modelSizes blocks modes seeds metric { source key kind target dataset split depthUnit similarity }
    cells { modelSize blocks mode runs n mean std ciLow ciHigh missing queued running failed cancelled values { seed status value step depth } } } }`;

interface Cell { modelSize: string; blocks: number; mode: string; runs: number; n: number; mean: number | null; std: number | null; ciLow: number | null; ciHigh: number | null; missing: number; queued: number; running: number; failed: number; cancelled: number; values: Array<{ seed: number; status: string; value: number | null; step: number | null; depth: number | null }> }
interface Grid { sweepGrid: { sweepId: string; modelSizes: string[]; blocks: number[]; modes: string[]; seeds: number[]; metric: Record<string, unknown>; cells: Cell[] } }

let sweepId: string;
let runs: Array<SeededRun & { status: string }>;
const run = (k: number, mode: string, seed: number) => runs.find((r) => r.blocks === k && r.mode === mode && r.seed === seed)!.id;

beforeAll(async () => {
  const cells = [];
  for (const k of [2, 3]) for (const mode of ['E2E', 'BLOCKWISE_SIMULTANEOUS']) for (const seed of [0, 1, 2]) {
    let status = 'SUCCEEDED';
    if (k === 2 && mode === 'BLOCKWISE_SIMULTANEOUS' && seed === 2) status = 'FAILED';
    if (k === 3 && mode === 'E2E' && seed === 2) status = 'RUNNING';
    if (k === 3 && mode === 'BLOCKWISE_SIMULTANEOUS') status = 'QUEUED';
    cells.push({ modelSize: 'nano', blocks: k, mode, seed, status });
  }
  ({ sweepId, runs } = await seedSweep(t, 'grid', cells, 'analysis'));
  // Linear-probe accuracy at every block boundary; the final block carries the cell's values.
  const probe: Record<string, number[]> = {
    'E2E/2': [0.30, 0.33, 0.36], 'BLOCKWISE_SIMULTANEOUS/2': [0.5, 0.5],
    'E2E/3': [0.2, 0.4],
  };
  for (const [cell, values] of Object.entries(probe)) {
    const [mode, k] = cell.split('/') as [string, string];
    for (const [seed, value] of values.entries()) {
      for (let depth = 1; depth <= Number(k); depth++) {
        await seedEvaluation(t, run(Number(k), mode, seed), { depth, value: depth === Number(k) ? value : value / (Number(k) - depth + 1), step: 500 });
      }
      await seedEvaluation(t, run(Number(k), mode, seed), { depth: Number(k), value: 0.01, step: 100 }); // an older value
    }
  }
  // Training loss: E2E logs the whole model (block 0), blockwise runs log per block.
  for (const seed of [0, 1, 2]) {
    await seedPoints(t, run(2, 'E2E', seed), 'loss', [[0, 2], [50, 1.5], [100, 1 + seed / 10]]);
    await seedPoints(t, run(2, 'BLOCKWISE_SIMULTANEOUS', seed), 'loss', [[0, 3], [100, 2 + seed / 10]], 1);
    await seedPoints(t, run(2, 'BLOCKWISE_SIMULTANEOUS', seed), 'loss', [[0, 4], [100, 0.5 + seed / 10]], 2);
    // CKA between blocks 1 and 2 of the K=2 runs.
    await seedSimilarity(t, run(2, 'E2E', seed), 2, matrix(2, () => 0.9 + seed / 100));
  }
});

describe('sweepGrid', () => {
  it('computes n, mean, std and the t-interval per cell by hand, with missing/failed/running/queued counts', async () => {
    const { sweepGrid } = await t.ok<Grid>(GRID, { sweepId, metric: { source: 'EVALUATION', kind: 'LINEAR_PROBE' } }, 'reader');
    expect(sweepGrid).toMatchObject({ sweepId, modelSizes: ['nano'], blocks: [2, 3], modes: ['E2E', 'BLOCKWISE_SIMULTANEOUS'], seeds: [0, 1, 2] });
    expect(sweepGrid.metric).toEqual({ source: 'EVALUATION', key: 'accuracy', kind: 'LINEAR_PROBE', target: 'digit', dataset: 'moving-mnist', split: 'eval', depthUnit: 'BLOCK', similarity: null });
    const [e2e2, sim2, e2e3, sim3] = sweepGrid.cells;
    // 0.30, 0.33, 0.36: mean 0.33, deviations ±0.03 → std 0.03; CI ± t(2) · 0.03 / √3.
    expect(e2e2).toMatchObject({ modelSize: 'nano', blocks: 2, mode: 'E2E', runs: 3, n: 3, missing: 0, failed: 0 });
    expect(e2e2!.mean).toBeCloseTo(0.33, 12);
    expect(e2e2!.std).toBeCloseTo(0.03, 12);
    expect(e2e2!.ciLow).toBeCloseTo(0.33 - T975[2] * 0.03 / Math.sqrt(3), 8);
    expect(e2e2!.ciHigh).toBeCloseTo(0.33 + T975[2] * 0.03 / Math.sqrt(3), 8);
    expect(e2e2!.values.map((v) => [v.seed, v.value, v.step, v.depth])).toEqual([[0, 0.3, 500, 2], [1, 0.33, 500, 2], [2, 0.36, 500, 2]]);
    // Two equal values and a failed seed: no spread, one missing.
    expect(sim2).toMatchObject({ blocks: 2, mode: 'BLOCKWISE_SIMULTANEOUS', n: 2, mean: 0.5, std: 0, ciLow: 0.5, ciHigh: 0.5, missing: 1, failed: 1 });
    // 0.2, 0.4 and a running seed: std √0.02; CI ± t(1) · √0.02 / √2 = ± t(1) · 0.1.
    expect(e2e3).toMatchObject({ blocks: 3, mode: 'E2E', n: 2, missing: 1, running: 1 });
    expect(e2e3!.mean).toBeCloseTo(0.3, 12);
    expect(e2e3!.std).toBeCloseTo(Math.sqrt(0.02), 12);
    expect(e2e3!.ciLow).toBeCloseTo(0.3 - T975[1] * 0.1, 8);
    expect(e2e3!.ciHigh).toBeCloseTo(0.3 + T975[1] * 0.1, 8);
    expect(sim3).toMatchObject({ blocks: 3, n: 0, mean: null, std: null, ciLow: null, missing: 3, queued: 3 });
  });

  it('reads a given block and the value at an earlier step', async () => {
    const early = await t.ok<Grid>(GRID, { sweepId, metric: { source: 'EVALUATION', kind: 'LINEAR_PROBE' }, at: 499 }, 'reader');
    expect(early.sweepGrid.cells[0]).toMatchObject({ n: 3, mean: 0.01, std: 0 });
    const block1 = await t.ok<Grid>(GRID, { sweepId, metric: { source: 'EVALUATION', kind: 'LINEAR_PROBE' }, block: 1 }, 'reader');
    // Depth 1 of K=2 holds value / 2.
    expect(block1.sweepGrid.cells[0]!.mean).toBeCloseTo(0.33 / 2, 12);
    expect(block1.sweepGrid.cells[0]!.values[0]!.depth).toBe(1);
  });

  it('reads final training loss: the whole model for E2E, block K for blockwise runs', async () => {
    const { sweepGrid } = await t.ok<Grid>(GRID, { sweepId, metric: { source: 'TRAINING' } }, 'reader');
    const [e2e2, sim2] = sweepGrid.cells;
    expect(e2e2!.values.map((v) => [v.value, v.depth])).toEqual([[1, 0], [1.1, 0], [1.2, 0]]);
    expect(e2e2!.mean).toBeCloseTo(1.1, 12);
    expect(sim2!.values.map((v) => [v.value, v.status])).toEqual([[0.5, 'SUCCEEDED'], [0.6, 'SUCCEEDED'], [0.7, 'FAILED']]); // a failed run keeps what it logged
    const at = await t.ok<Grid>(GRID, { sweepId, metric: { source: 'TRAINING', key: 'loss' }, at: 60 }, 'reader');
    expect(at.sweepGrid.cells[0]!.values.map((v) => [v.value, v.step])).toEqual([[1.5, 50], [1.5, 50], [1.5, 50]]);
    const block1 = await t.ok<Grid>(GRID, { sweepId, metric: { source: 'TRAINING' }, block: 1 }, 'reader');
    expect(block1.sweepGrid.cells[1]!.mean).toBeCloseTo(2.1, 12);
    expect(block1.sweepGrid.cells[0]!.n).toBe(0); // E2E logs no per-block loss
  });

  it('reads CKA between consecutive blocks', async () => {
    const { sweepGrid } = await t.ok<Grid>(GRID, { sweepId, metric: { source: 'SIMILARITY' } }, 'reader');
    expect(sweepGrid.metric).toMatchObject({ source: 'SIMILARITY', key: 'LINEAR_CKA', similarity: 'LINEAR_CKA', dataset: 'moving-mnist' });
    expect(sweepGrid.cells[0]!.values.map((v) => v.value)).toEqual([0.9, 0.91, 0.92]);
    expect(sweepGrid.cells[0]!.mean).toBeCloseTo(0.91, 12);
    expect(sweepGrid.cells[1]!.n).toBe(0);
  });

  it('refuses ambiguous or incomplete metrics and unknown sweeps', async () => {
    await seedEvaluation(t, run(2, 'E2E', 0), { target: 'direction', depth: 2, value: 0.9 });
    const ambiguous = await t.gql(GRID, { sweepId, metric: { source: 'EVALUATION', kind: 'LINEAR_PROBE' } }, 'reader');
    expect(errorCode(ambiguous)).toBe('BAD_USER_INPUT');
    expect(errorField(ambiguous)).toBe('metric.target');
    expect(ambiguous.errors?.[0]?.message).toMatch(/several targets \(digit, direction\)/);
    const chosen = await t.ok<Grid>(GRID, { sweepId, metric: { source: 'EVALUATION', kind: 'LINEAR_PROBE', target: 'direction' } }, 'reader');
    expect(chosen.sweepGrid.cells[0]).toMatchObject({ n: 1, mean: 0.9 });
    const noKind = await t.gql(GRID, { sweepId, metric: { source: 'EVALUATION' } }, 'reader');
    expect(errorField(noKind)).toBe('metric.kind');
    const noMetric = await t.gql(GRID, { sweepId, metric: { source: 'EVALUATION', kind: 'GEOMETRY' } }, 'reader');
    expect(errorField(noMetric)).toBe('metric.key');
    expect(errorCode(await t.gql(GRID, { sweepId: '00000000-0000-0000-0000-000000000000', metric: { source: 'TRAINING' } }, 'reader'))).toBe('NOT_FOUND');
    expect(errorField(await t.gql(GRID, { sweepId, metric: { source: 'TRAINING' }, block: -1 }, 'reader'))).toBe('block');
  });
});

describe('depthProfile', () => {
  const PROFILE = `query($runIds: [ID!], $cell: GridCellInput, $metric: MetricSelector!) {
    depthProfile(runIds: $runIds, cell: $cell, metric: $metric) { runIds metric { key target } points { depth n mean std ciLow ciHigh values { seed value } } } }`;
  type Profile = { depthProfile: { runIds: string[]; points: Array<{ depth: number; n: number; mean: number; std: number | null; values: Array<{ seed: number; value: number | null }> }> } };

  it('gives the value per block with the spread over a cell’s seeds', async () => {
    const { depthProfile } = await t.ok<Profile>(PROFILE, { cell: { sweepId, modelSize: 'nano', blocks: 2, mode: 'E2E' }, metric: { source: 'EVALUATION', kind: 'LINEAR_PROBE', target: 'digit' } }, 'reader');
    expect(depthProfile.runIds).toHaveLength(3);
    expect(depthProfile.points.map((p) => p.depth)).toEqual([1, 2]);
    // Depth 1 holds half of each seed's final value: 0.15, 0.165, 0.18.
    expect(depthProfile.points[0]!.mean).toBeCloseTo(0.165, 12);
    expect(depthProfile.points[0]!.std).toBeCloseTo(0.015, 12);
    expect(depthProfile.points[1]!.mean).toBeCloseTo(0.33, 12);
  });

  it('works on explicit runs and on per-block training loss', async () => {
    const ids = [0, 1, 2].map((s) => run(2, 'BLOCKWISE_SIMULTANEOUS', s));
    const { depthProfile } = await t.ok<Profile>(PROFILE, { runIds: ids, metric: { source: 'TRAINING' } }, 'reader');
    expect(depthProfile.points.map((p) => [p.depth, p.n])).toEqual([[1, 3], [2, 3]]);
    expect(depthProfile.points[0]!.mean).toBeCloseTo(2.1, 12);
    expect(depthProfile.points[1]!.values.map((v) => v.value)).toEqual([0.5, 0.6, 0.7]);
    const explicitNull = await t.ok<Profile>(PROFILE, { runIds: ids, cell: null, metric: { source: 'TRAINING' } }, 'reader');
    expect(explicitNull.depthProfile.points).toEqual(depthProfile.points);
  });

  it('needs exactly one of runIds and cell', async () => {
    expect(errorCode(await t.gql(PROFILE, { metric: { source: 'TRAINING' } }, 'reader'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await t.gql(PROFILE, { runIds: [runs[0]!.id], cell: { sweepId, modelSize: 'nano', blocks: 2, mode: 'E2E' }, metric: { source: 'TRAINING' } }, 'reader'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await t.gql(PROFILE, { runIds: ['00000000-0000-0000-0000-000000000000'], metric: { source: 'TRAINING' } }, 'reader'))).toBe('NOT_FOUND');
  });
});

describe('similarity and patchDiagnostics', () => {
  it('returns the latest matrix with labels, rows, and the available steps', async () => {
    const id = await seedRun(t, { name: 'sim', blocks: 3 });
    await seedSimilarity(t, id, 3, matrix(3, (i, j) => 1 - (j - i) / 10), 100);
    await seedSimilarity(t, id, 3, matrix(3, (i, j) => 1 - (j - i) / 20), 300);
    await seedSimilarity(t, id, 3, matrix(3, () => 0.5), 200, 'RBF_CKA');
    const Q = `query($id: ID!, $step: Int, $kind: SimilarityKind!) { similarity(runId: $id, step: $step, kind: $kind) { step kind rowLabels colLabels rows cols values matrix steps dataset } }`;
    const latest = await t.ok<{ similarity: Record<string, unknown> }>(Q, { id, kind: 'LINEAR_CKA' }, 'reader');
    expect(latest.similarity).toEqual({
      step: 300, kind: 'LINEAR_CKA', rowLabels: ['B1', 'B2', 'B3'], colLabels: ['B1', 'B2', 'B3'], rows: 3, cols: 3,
      values: [1, 0.95, 0.9, 0.95, 1, 0.95, 0.9, 0.95, 1], matrix: [[1, 0.95, 0.9], [0.95, 1, 0.95], [0.9, 0.95, 1]], steps: [100, 300], dataset: 'moving-mnist',
    });
    expect((await t.ok<{ similarity: { step: number } }>(Q, { id, step: 100, kind: 'LINEAR_CKA' }, 'reader')).similarity.step).toBe(100);
    expect((await t.ok<{ similarity: { steps: number[] } }>(Q, { id, kind: 'RBF_CKA' }, 'reader')).similarity.steps).toEqual([200]);
    expect((await t.ok<{ similarity: null }>(Q, { id, step: 999, kind: 'LINEAR_CKA' }, 'reader')).similarity).toBeNull();
    expect(errorCode(await t.gql(Q, { id: '00000000-0000-0000-0000-000000000000', kind: 'LINEAR_CKA' }, 'reader'))).toBe('NOT_FOUND');
  });

  it('returns patch diagnostics per block at the latest step', async () => {
    const id = await seedRun(t, { name: 'patches' });
    for (const [step, cos] of [[100, 0.2], [200, 0.3]] as const) {
      for (const block of [2, 1]) {
        await t.api.services.pool.query(
          `INSERT INTO patch_diagnostics (run_id, step, dataset, block, token_cosine, occ_drop, reconstruction_error, reconstruction_grid) VALUES ($1, $2, 'gratings', $3, $4, 0.1, '{0.5,0.25}', '{1,1,2}')`,
          [id, step, block, cos * block]);
      }
    }
    const Q = `query($id: ID!, $step: Int) { patchDiagnostics(runId: $id, step: $step) { step block tokenCosine occDrop reconstructionError reconstructionGrid effectiveRank } }`;
    const latest = await t.ok<{ patchDiagnostics: Array<Record<string, unknown>> }>(Q, { id }, 'reader');
    expect(latest.patchDiagnostics).toEqual([
      { step: 200, block: 1, tokenCosine: 0.3, occDrop: 0.1, reconstructionError: [0.5, 0.25], reconstructionGrid: [1, 1, 2], effectiveRank: null },
      { step: 200, block: 2, tokenCosine: 0.6, occDrop: 0.1, reconstructionError: [0.5, 0.25], reconstructionGrid: [1, 1, 2], effectiveRank: null },
    ]);
    expect((await t.ok<{ patchDiagnostics: Array<{ step: number }> }>(Q, { id, step: 100 }, 'reader')).patchDiagnostics.map((d) => d.step)).toEqual([100, 100]);
    expect((await t.ok<{ patchDiagnostics: unknown[] }>(Q, { id, step: 5 }, 'reader')).patchDiagnostics).toEqual([]);
  });
});

describe('compareRuns', () => {
  it('diffs only differing config keys and gives final-metric and per-block deltas (b − a)', async () => {
    const a = await seedRun(t, { name: 'cmp-a', config: { preset: 'nano', optimizer: { lr: 0.001, betas: [0.9, 0.95] }, blocks: 3, dropout: 0.1 } });
    const b = await seedRun(t, { name: 'cmp-b', config: { preset: 'nano', optimizer: { lr: 0.002, betas: [0.9, 0.99] }, blocks: 3, extra: true } });
    await seedPoints(t, a, 'loss', [[0, 3], [10, 1.25]], 0);
    await seedPoints(t, b, 'loss', [[0, 3], [20, 1]], 0);
    await seedPoints(t, b, 'lr', [[20, 0.5]], 0);
    for (const [id, values] of [[a, [0.25, 0.5]], [b, [0.375, 0.5]]] as const) {
      for (const [i, value] of values.entries()) await seedEvaluation(t, id, { depth: i + 1, value });
    }
    await seedEvaluation(t, a, { kind: 'KNN_RETRIEVAL', metric: 'mAP', depth: 2, value: 0.125 });
    const { compareRuns } = await t.ok<{ compareRuns: { a: { id: string }; b: { id: string }; configDiff: unknown[]; metrics: unknown[]; evaluations: Array<Record<string, unknown>> } }>(
      `query($a: ID!, $b: ID!) { compareRuns(a: $a, b: $b) { a { id } b { id } configDiff { path a b presence }
        metrics { key block a b delta aStep bStep } evaluations { kind metric target depth a b delta } } }`, { a, b }, 'reader');
    expect(compareRuns.a.id).toBe(a);
    expect(compareRuns.configDiff).toEqual([
      { path: 'dropout', a: 0.1, b: null, presence: 'ONLY_A' },
      { path: 'extra', a: null, b: true, presence: 'ONLY_B' },
      { path: 'optimizer.betas', a: [0.9, 0.95], b: [0.9, 0.99], presence: 'BOTH' },
      { path: 'optimizer.lr', a: 0.001, b: 0.002, presence: 'BOTH' },
    ]);
    expect(compareRuns.metrics).toEqual([
      { key: 'loss', block: null, a: 1.25, b: 1, delta: -0.25, aStep: 10, bStep: 20 },
      { key: 'lr', block: null, a: null, b: 0.5, delta: null, aStep: null, bStep: 20 },
    ]);
    expect(compareRuns.evaluations).toEqual([
      { kind: 'KNN_RETRIEVAL', metric: 'mAP', target: 'digit', depth: 2, a: 0.125, b: null, delta: null },
      { kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'digit', depth: 1, a: 0.25, b: 0.375, delta: 0.125 },
      { kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'digit', depth: 2, a: 0.5, b: 0.5, delta: 0 },
    ]);
    // Several evaluation sets per checkpoint: filter by one.
    await seedEvaluation(t, a, { dataset: 'gratings/grid', target: 'orientation', depth: 1, value: 0.75 });
    await seedEvaluation(t, b, { dataset: 'gratings/grid', target: 'orientation', depth: 1, value: 0.5 });
    const only = await t.ok<{ compareRuns: { evaluations: Array<Record<string, unknown>> } }>(
      `query($a: ID!, $b: ID!, $d: String) { compareRuns(a: $a, b: $b, dataset: $d) { evaluations { dataset target depth a b delta } } }`, { a, b, d: 'gratings/grid' }, 'reader');
    expect(only.compareRuns.evaluations).toEqual([{ dataset: 'gratings/grid', target: 'orientation', depth: 1, a: 0.75, b: 0.5, delta: -0.25 }]);
    expect(errorCode(await t.gql('query($a: ID!) { compareRuns(a: $a, b: $a) { a { id } } }', { a }, 'reader'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await t.gql('query($a: ID!) { compareRuns(a: $a, b: "00000000-0000-0000-0000-000000000000") { a { id } } }', { a }, 'reader'))).toBe('NOT_FOUND');
  });
});
