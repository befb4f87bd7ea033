// Baselines and checkRegression: Welch intervals per cell, PASS / FAIL / INSUFFICIENT_DATA,
// absolute and relative drops, both directions, pooling, stored reports.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { studentTQuantile } from '@stratum/stats';
import { startTestApi, type TestApi } from './harness.js';
import { errorCode, errorField, seedEvaluation, seedPoints, seedRun, seedSweep } from './research-fixtures.js';

let t: TestApi;
beforeAll(async () => { t = await startTestApi({ REAPER_INTERVAL_MS: '3600000' }); });
afterAll(async () => { await t.close(); });

// Final-block probe accuracy per cell (mode → seed values).
const BASELINE: Record<string, number[]> = {
  E2E: [0.40, 0.42, 0.44],
  BLOCKWISE_SIMULTANEOUS: [0.40, 0.42, 0.44],
  BLOCKWISE_SEQUENTIAL: [0.40, 0.42, 0.44],
};
const CANDIDATE: Record<string, number[]> = {
  E2E: [0.30, 0.31, 0.32], // 0.11 worse, tight: a real regression
  BLOCKWISE_SIMULTANEOUS: [0.39, 0.41, 0.43], // 0.01 worse: within tolerance
  BLOCKWISE_SEQUENTIAL: [0.20, 0.45, 0.50], // 0.037 worse on average, but noisy
};

let baselineSweep: string;
let candidateSweep: string;
let candidateRuns: Array<{ id: string; mode: string; seed: number }>;

async function seedGrid(name: string, values: Record<string, number[]>, project = 'reg') {
  const cells = Object.entries(values).flatMap(([mode, v]) => v.map((_, seed) => ({ modelSize: 'nano', blocks: 2, mode, seed })));
  const { sweepId, runs } = await seedSweep(t, name, cells, project);
  for (const r of runs) {
    await seedEvaluation(t, r.id, { depth: 2, value: values[r.mode]![r.seed]! });
    // Final loss: the whole model for E2E, block K otherwise; the candidate's is higher.
    await seedPoints(t, r.id, 'loss', [[100, (name === 'cand' ? 1.5 : 1) + r.seed / 100]], r.mode === 'E2E' ? 0 : 2);
  }
  return { sweepId, runs };
}

beforeAll(async () => {
  baselineSweep = (await seedGrid('base', BASELINE)).sweepId;
  const candidate = await seedGrid('cand', CANDIDATE);
  candidateSweep = candidate.sweepId;
  candidateRuns = candidate.runs;
});

const SET = `mutation($project: String!, $name: String!, $sweepId: ID, $runIds: [ID!]) {
  setBaseline(project: $project, name: $name, sweepId: $sweepId, runIds: $runIds) { id name sweepId runIds sweep { id } project { name } runs { id } } }`;
const CHECK = `mutation($candidate: RunSetInput!, $rules: [RegressionRuleInput!]!, $baseline: String!) {
  checkRegression(project: "reg", baseline: $baseline, candidate: $candidate, rules: $rules) {
    id baselineName passed failed insufficient candidate
    verdicts { ruleIndex rule cell { modelSize blocks mode } verdict message candidateN baselineN candidateMean baselineMean delta ciLow ciHigh df drop allowedDrop metric { source key } } } }`;

interface Verdict { ruleIndex: number; rule: string; cell: { mode: string } | null; verdict: string; message: string; candidateN: number; baselineN: number; candidateMean: number | null; baselineMean: number | null; delta: number | null; ciLow: number | null; ciHigh: number | null; df: number | null; drop: number | null; allowedDrop: number | null }
interface Report { checkRegression: { id: string; baselineName: string; passed: boolean; failed: number; insufficient: number; candidate: unknown; verdicts: Verdict[] } }

const probe = { source: 'EVALUATION', kind: 'LINEAR_PROBE' };

describe('baselines', () => {
  it('sets a baseline to a sweep or to runs, moves it, and lists it', async () => {
    const first = await t.ok<{ setBaseline: { id: string; sweepId: string; runIds: string[]; runs: unknown[]; project: { name: string } } }>(SET, { project: 'reg', name: 'paper', sweepId: baselineSweep }, 'writer');
    expect(first.setBaseline).toMatchObject({ sweepId: baselineSweep, runIds: [], project: { name: 'reg' } });
    expect(first.setBaseline.runs).toHaveLength(9);
    const ids = candidateRuns.slice(0, 2).map((r) => r.id);
    const moved = await t.ok<{ setBaseline: { id: string; sweepId: string | null; runIds: string[]; runs: Array<{ id: string }> } }>(SET, { project: 'reg', name: 'paper', runIds: ids }, 'writer');
    expect(moved.setBaseline).toMatchObject({ id: first.setBaseline.id, sweepId: null, runIds: ids });
    expect(moved.setBaseline.runs.map((r) => r.id).sort()).toEqual([...ids].sort());
    await t.ok(SET, { project: 'reg', name: 'paper', sweepId: baselineSweep }, 'writer');
    const listed = await t.ok<{ baselines: Array<{ name: string; sweep: { id: string } }>; baseline: { name: string } | null; none: null }>(
      `{ baselines(project: "reg") { name sweep { id } } baseline(project: "reg", name: "paper") { name } none: baseline(project: "reg", name: "nope") { name } }`, {}, 'reader');
    expect(listed).toEqual({ baselines: [{ name: 'paper', sweep: { id: baselineSweep } }], baseline: { name: 'paper' }, none: null });
  });

  it('refuses bad baselines', async () => {
    expect(errorCode(await t.gql(SET, { project: 'reg', name: 'x' }, 'writer'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await t.gql(SET, { project: 'reg', name: 'x', sweepId: baselineSweep, runIds: [candidateRuns[0]!.id] }, 'writer'))).toBe('BAD_USER_INPUT');
    expect(errorCode(await t.gql(SET, { project: 'nope', name: 'x', sweepId: baselineSweep }, 'writer'))).toBe('NOT_FOUND');
    expect(errorCode(await t.gql(SET, { project: 'reg', name: 'x', sweepId: '00000000-0000-0000-0000-000000000000' }, 'writer'))).toBe('NOT_FOUND');
    const foreign = await seedRun(t, { project: 'elsewhere' });
    const response = await t.gql(SET, { project: 'reg', name: 'x', runIds: [foreign] }, 'writer');
    expect(errorCode(response)).toBe('BAD_USER_INPUT');
    expect(errorField(response)).toBe('runIds');
    expect(errorField(await t.gql(SET, { project: 'reg', name: 'bad name', sweepId: baselineSweep }, 'writer'))).toBe('name');
  });
});

describe('checkRegression', () => {
  it('judges each cell with Welch’s interval: FAIL, PASS, and PASS-but-noisy', async () => {
    const { checkRegression: report } = await t.ok<Report>(CHECK, { baseline: 'paper', candidate: { sweepId: candidateSweep }, rules: [{ metric: probe, maxDrop: 0.02 }] }, 'writer');
    expect(report).toMatchObject({ baselineName: 'paper', passed: false, failed: 1, insufficient: 0, candidate: { sweepId: candidateSweep } });
    const byMode = Object.fromEntries(report.verdicts.map((v) => [v.cell!.mode, v]));
    const e2e = byMode.E2E!;
    // Hand computation: candidate var 0.0001, baseline var 0.0004, n = 3 each.
    const va = 0.0001 / 3;
    const vb = 0.0004 / 3;
    const df = (va + vb) ** 2 / (va ** 2 / 2 + vb ** 2 / 2);
    expect(df).toBeCloseTo(2.5 / 0.85, 10);
    const half = studentTQuantile(0.975, df) * Math.sqrt(va + vb);
    expect(e2e).toMatchObject({ verdict: 'FAIL', candidateN: 3, baselineN: 3, allowedDrop: 0.02 });
    expect(e2e.candidateMean).toBeCloseTo(0.31, 12);
    expect(e2e.baselineMean).toBeCloseTo(0.42, 12);
    expect(e2e.delta).toBeCloseTo(-0.11, 12);
    expect(e2e.drop).toBeCloseTo(0.11, 12);
    expect(e2e.df).toBeCloseTo(df, 8);
    expect(e2e.ciLow).toBeCloseTo(-0.11 - half, 8);
    expect(e2e.ciHigh).toBeCloseTo(-0.11 + half, 8);
    expect(e2e.message).toMatch(/worse by 0\.11, more than the allowed 0\.02, and significant/);
    expect(byMode.BLOCKWISE_SIMULTANEOUS).toMatchObject({ verdict: 'PASS' });
    expect(byMode.BLOCKWISE_SIMULTANEOUS!.drop).toBeCloseTo(0.01, 12);
    expect(byMode.BLOCKWISE_SEQUENTIAL).toMatchObject({ verdict: 'PASS' });
    expect(byMode.BLOCKWISE_SEQUENTIAL!.drop).toBeGreaterThan(0.02);
    expect(byMode.BLOCKWISE_SEQUENTIAL!.message).toMatch(/not significant over seeds/);
    // Stored, and listed newest first.
    const { rows } = await t.api.services.pool.query('SELECT passed, jsonb_array_length(verdicts) AS n FROM regression_checks WHERE id = $1', [report.id]);
    expect(rows).toEqual([{ passed: false, n: 3 }]);
    const history = await t.ok<{ regressionChecks: Array<{ id: string; failed: number }>; baseline: { checks: Array<{ id: string }> } }>(
      `{ regressionChecks(project: "reg", baseline: "paper") { id failed } baseline(project: "reg", name: "paper") { checks(first: 1) { id } } }`, {}, 'reader');
    expect(history.regressionChecks[0]).toEqual({ id: report.id, failed: 1 });
    expect(history.baseline.checks).toEqual([{ id: report.id }]);
  });

  it('allows a relative drop, pools runs when asked, and handles lower-is-better metrics', async () => {
    const rules = [
      { name: 'probe within 30%', metric: probe, maxDrop: 0.3, relative: true },
      { metric: probe, maxDrop: 0.02, perCell: false },
      { metric: { source: 'TRAINING', key: 'loss' }, direction: 'LOWER_IS_BETTER', maxDrop: 0.1 },
    ];
    const { checkRegression: report } = await t.ok<Report>(CHECK, { baseline: 'paper', candidate: { sweepId: candidateSweep }, rules }, 'writer');
    const relative = report.verdicts.filter((v) => v.ruleIndex === 0);
    expect(relative.map((v) => v.verdict)).toEqual(['PASS', 'PASS', 'PASS']);
    expect(relative[0]!.rule).toBe('probe within 30%');
    expect(relative[0]!.allowedDrop).toBeCloseTo(0.3 * 0.42, 12);
    const pooled = report.verdicts.filter((v) => v.ruleIndex === 1);
    expect(pooled).toHaveLength(1);
    expect(pooled[0]).toMatchObject({ cell: null, candidateN: 9, baselineN: 9 });
    const all = [...CANDIDATE.E2E!, ...CANDIDATE.BLOCKWISE_SIMULTANEOUS!, ...CANDIDATE.BLOCKWISE_SEQUENTIAL!];
    expect(pooled[0]!.candidateMean).toBeCloseTo(all.reduce((a, b) => a + b) / 9, 12);
    const loss = report.verdicts.filter((v) => v.ruleIndex === 2);
    // Loss 1.5x vs 1.0x: 0.5 worse, identical spread → FAIL everywhere.
    expect(loss.map((v) => v.verdict)).toEqual(['FAIL', 'FAIL', 'FAIL']);
    expect(loss[0]!.drop).toBeCloseTo(0.5, 12);
    expect(report).toMatchObject({ passed: false, failed: 3 + (pooled[0]!.verdict === 'FAIL' ? 1 : 0) });
  });

  it('reports INSUFFICIENT_DATA below two values a side, and passes a clean candidate', async () => {
    const single = candidateRuns.filter((r) => r.mode === 'BLOCKWISE_SIMULTANEOUS').slice(0, 1).map((r) => r.id);
    const { checkRegression: report } = await t.ok<Report>(CHECK, { baseline: 'paper', candidate: { runIds: single }, rules: [{ metric: probe, maxDrop: 0.02 }] }, 'writer');
    expect(report).toMatchObject({ passed: false, failed: 0, insufficient: 1 });
    expect(report.verdicts[0]).toMatchObject({ verdict: 'INSUFFICIENT_DATA', candidateN: 1, baselineN: 3 });
    expect(report.verdicts[0]!.message).toMatch(/candidate has 1, baseline 3/);
    const good = candidateRuns.filter((r) => r.mode === 'BLOCKWISE_SIMULTANEOUS').map((r) => r.id);
    const clean = await t.ok<Report>(CHECK, { baseline: 'paper', candidate: { runIds: good }, rules: [{ metric: probe, maxDrop: 0.02 }] }, 'writer');
    expect(clean.checkRegression).toMatchObject({ passed: true, failed: 0, insufficient: 0 });
  });

  it('refuses bad checks', async () => {
    const rules = [{ metric: probe, maxDrop: 0.02 }];
    expect(errorCode(await t.gql(CHECK, { baseline: 'nope', candidate: { sweepId: candidateSweep }, rules }, 'writer'))).toBe('NOT_FOUND');
    expect(errorCode(await t.gql(CHECK, { baseline: 'paper', candidate: {}, rules }, 'writer'))).toBe('BAD_USER_INPUT');
    expect(errorField(await t.gql(CHECK, { baseline: 'paper', candidate: { sweepId: candidateSweep }, rules: [] }, 'writer'))).toBe('rules');
    expect(errorField(await t.gql(CHECK, { baseline: 'paper', candidate: { sweepId: candidateSweep }, rules: [{ metric: probe, maxDrop: -1 }] }, 'writer'))).toBe('rules.0.maxDrop');
    expect(errorField(await t.gql(CHECK, { baseline: 'paper', candidate: { sweepId: candidateSweep }, rules: [{ metric: { source: 'EVALUATION' }, maxDrop: 0.1 }] }, 'writer'))).toBe('rules[0].metric.kind');
  });
});
