// E2E is trained once per (size, seed) and evaluated at every K of its sweep (issue 19 item 3):
// the sweep expands to one E2E run per seed, the agent reports its evaluations tagged with each
// K, the grid shows an E2E cell under every K fed by that one run (read at that K's boundaries),
// and cross-run CKA pairs the one E2E run with the blockwise runs of every K.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApi } from './harness.js';
import {
  claim, COMPLETE, startAgentApi, REGISTER_CHECKPOINT, REPORT_EVALUATION, REPORT_PATCH, REPORT_SIMILARITY, uploadArtifact,
  type Claimed, type TestAgent,
} from './agent-fixtures.js';
import { CREATE_SWEEP, errorCode } from './research-fixtures.js';

const GRID = `query($sweepId: ID!, $metric: MetricSelector!, $block: Int) {
  sweepGrid(sweepId: $sweepId, metric: $metric, block: $block) {
    blocks modes cells { modelSize blocks mode runs n mean values { runId seed value depth } } } }`;
const DEPTH = `query($cell: GridCellInput!, $metric: MetricSelector!) {
  depthProfile(cell: $cell, metric: $metric) { runIds points { depth mean values { runId value } } } }`;

interface Cell { modelSize: string; blocks: number; mode: string; runs: number; n: number; mean: number | null; values: Array<{ runId: string; seed: number; value: number | null; depth: number | null }> }
interface Run { id: string; name: string; mode: string; blocks: number; partitions: number[]; seed: number; config: { evaluation?: { partitions?: number[] } } }

let t: TestApi;
let agent: TestAgent;
let sweepId: string;
let runs: Run[];
beforeAll(async () => ({ t, agent } = await startAgentApi()));
afterAll(async () => { await t.close(); });

/** A probe value that says which run, partition (K) and block it belongs to. */
const probeValue = (run: Run, k: number, block: number) => (run.mode === 'E2E' ? 0.1 : 0.5) + 0.1 * k + 0.01 * block + 0.001 * run.seed;

const probe = (run: Run, k: number, block: number, partition?: number) => ({
  step: 40, kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'digit', dataset: 'moving-mnist/test', depth: block,
  value: probeValue(run, k, block), folds: [], ...(partition === undefined ? {} : { partition }),
});

/** Consecutive-block CKA matrix of K blocks whose (k, k+1) entries encode K. */
const ckaMatrix = (k: number) => ({
  kind: 'LINEAR_CKA', step: 40, dataset: 'moving-mnist/test', partition: k,
  rowLabels: Array.from({ length: k }, (_, i) => `B${i + 1}`), colLabels: Array.from({ length: k }, (_, i) => `B${i + 1}`),
  values: Array.from({ length: k * k }, (_, i) => (Math.floor(i / k) === i % k ? 1 : 0.9 + 0.01 * k)),
});

async function report(job: Claimed, run: Run): Promise<void> {
  const as = (query: string, vars: Record<string, unknown>) => t.ok(query, { jobId: job.jobId, token: job.fencingToken, ...vars }, { token: agent.token });
  // Every K the run is evaluated at; the run's own K without a partition (the default).
  for (const k of run.partitions) {
    const partition = k === run.blocks ? undefined : k;
    await as(REPORT_EVALUATION, { evaluations: Array.from({ length: k }, (_, b) => probe(run, k, b + 1, partition)) });
    await as(REPORT_SIMILARITY, { matrix: ckaMatrix(k) });
    await as(REPORT_PATCH, { diagnostics: Array.from({ length: k }, (_, b) => ({ step: 40, dataset: 'moving-mnist/test', block: b + 1, partition: k, tokenCosine: 0.1 * k + 0.01 * (b + 1) })) });
  }
  const weights = crypto.randomBytes(32);
  const upload = await uploadArtifact(t, agent.token, weights, job);
  await as(REGISTER_CHECKPOINT, { step: 40, sha256: upload.sha256, bytes: weights.length });
  await as(COMPLETE, { summary: {} });
}

describe('E2E trained once per (size, seed), evaluated at every K', () => {
  it('expands to one E2E run per seed that records every K of the sweep', async () => {
    const input = {
      project: 'e2e-once', name: 'mini', steps: 40, dataset: { name: 'moving-mnist', count: 64 },
      factors: { modelSizes: ['nano'], blocks: [3, 2], modes: ['E2E', 'BLOCKWISE_SIMULTANEOUS', 'BLOCKWISE_SEQUENTIAL'], seeds: [0, 1] },
    };
    const { createSweep } = await t.ok<{ createSweep: { sweep: { id: string; runs: Run[] } } }>(CREATE_SWEEP, { input }, 'writer');
    sweepId = createSweep.sweep.id;
    runs = createSweep.sweep.runs;
    const e2e = runs.filter((r) => r.mode === 'E2E');
    expect(e2e.map((r) => [r.name, r.seed, r.blocks, r.partitions])).toEqual([['mini/nano-e2e-s0', 0, 2, [2, 3]], ['mini/nano-e2e-s1', 1, 2, [2, 3]]]);
    for (const r of e2e) expect(r.config.evaluation).toEqual({ partitions: [2, 3] });
    // One TRAIN job per run: 2 E2E + 2 K × 2 blockwise modes × 2 seeds, not 12.
    const { rows } = await t.api.services.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM jobs j JOIN runs r ON r.id = j.run_id WHERE r.sweep_id = $1 AND j.kind = 'TRAIN'", [sweepId]);
    expect(rows[0]!.n).toBe(10);
    expect(runs.filter((r) => r.mode !== 'E2E').every((r) => r.partitions.length === 1 && r.partitions[0] === r.blocks)).toBe(true);
  });

  it('accepts evaluations tagged with each of the run’s K and refuses a K it was not given', async () => {
    const byId = new Map(runs.map((r) => [r.id, r]));
    const refused: string[] = [];
    for (let i = 0; i < runs.length; i++) {
      const job = (await claim(t, agent))!;
      expect(job.kind).toBe('TRAIN');
      const run = byId.get(job.runId)!;
      const bad = await t.gql(REPORT_EVALUATION, { jobId: job.jobId, token: job.fencingToken, evaluations: [probe(run, 6, 1, 6)] }, { token: agent.token });
      expect(errorCode(bad)).toBe('BAD_USER_INPUT');
      refused.push(bad.errors![0]!.message);
      await report(job, run);
    }
    expect(refused).toContain(`evaluations[0].partition: K=6 is not one of this run's partitions (2, 3)`);
    expect(refused).toContain(`evaluations[0].partition: K=6 is not one of this run's partitions (3)`);
    const { rows } = await t.api.services.pool.query<{ partition: number; n: number }>(
      `SELECT e.partition, count(*)::int AS n FROM evaluations e JOIN runs r ON r.id = e.run_id WHERE r.sweep_id = $1 AND r.mode = 'E2E' GROUP BY 1 ORDER BY 1`, [sweepId]);
    expect(rows).toEqual([{ partition: 2, n: 2 * 2 }, { partition: 3, n: 2 * 3 }]);
  });

  it('shows an E2E cell under every K, fed by the one run at that K’s block boundaries', async () => {
    const { sweepGrid } = await t.ok<{ sweepGrid: { blocks: number[]; cells: Cell[] } }>(GRID, { sweepId, metric: { source: 'EVALUATION', kind: 'LINEAR_PROBE' } }, 'reader');
    expect(sweepGrid.blocks).toEqual([2, 3]);
    const e2e = runs.filter((r) => r.mode === 'E2E');
    for (const k of [2, 3]) {
      const cell = sweepGrid.cells.find((c) => c.blocks === k && c.mode === 'E2E')!;
      expect(cell.runs).toBe(2);
      expect(cell.values.map((v) => v.runId).sort()).toEqual(e2e.map((r) => r.id).sort());
      // The final block of K: block k of partition k.
      for (const v of cell.values) expect(v.value).toBeCloseTo(probeValue(e2e.find((r) => r.id === v.runId)!, k, k), 10);
      expect(cell.values.every((v) => v.depth === k)).toBe(true);
      const sim = sweepGrid.cells.find((c) => c.blocks === k && c.mode === 'BLOCKWISE_SIMULTANEOUS')!;
      expect(sim.values.map((v) => v.runId).every((id) => runs.find((r) => r.id === id)!.blocks === k)).toBe(true);
    }
    // Block 2 exists at both K, and differs: each cell reads its own partition.
    const atBlock2 = (await t.ok<{ sweepGrid: { cells: Cell[] } }>(GRID, { sweepId, block: 2, metric: { source: 'EVALUATION', kind: 'LINEAR_PROBE' } }, 'reader')).sweepGrid.cells;
    const seed0 = e2e.find((r) => r.seed === 0)!;
    const v = (k: number) => atBlock2.find((c) => c.blocks === k && c.mode === 'E2E')!.values.find((x) => x.seed === 0)!.value;
    expect(v(2)).toBeCloseTo(probeValue(seed0, 2, 2), 10);
    expect(v(3)).toBeCloseTo(probeValue(seed0, 3, 2), 10);

    // Consecutive-block CKA of the last two blocks, per K.
    const cka = (await t.ok<{ sweepGrid: { cells: Cell[] } }>(GRID, { sweepId, metric: { source: 'SIMILARITY' } }, 'reader')).sweepGrid.cells;
    for (const k of [2, 3]) {
      const cell = cka.find((c) => c.blocks === k && c.mode === 'E2E')!;
      expect(cell.n).toBe(2);
      expect(cell.mean).toBeCloseTo(0.9 + 0.01 * k, 10);
    }
  });

  it('gives the depth profile, similarity and patch diagnostics of the E2E cell at the asked K', async () => {
    const metric = { source: 'EVALUATION', kind: 'LINEAR_PROBE' };
    const e2e = runs.filter((r) => r.mode === 'E2E');
    for (const k of [2, 3]) {
      const { depthProfile } = await t.ok<{ depthProfile: { runIds: string[]; points: Array<{ depth: number; mean: number }> } }>(
        DEPTH, { cell: { sweepId, modelSize: 'nano', blocks: k, mode: 'E2E' }, metric }, 'reader');
      expect(depthProfile.runIds.sort()).toEqual(e2e.map((r) => r.id).sort());
      expect(depthProfile.points.map((p) => p.depth)).toEqual(Array.from({ length: k }, (_, i) => i + 1));
      for (const p of depthProfile.points) expect(p.mean).toBeCloseTo((probeValue(e2e[0]!, k, p.depth) + probeValue(e2e[1]!, k, p.depth)) / 2, 10);
    }
    const run = e2e[0]!;
    const sim = `query($runId: ID!, $partition: Int) { similarity(runId: $runId, partition: $partition) { partition rowLabels } patchDiagnostics(runId: $runId, partition: $partition) { block partition tokenCosine } }`;
    type Sim = { similarity: { partition: number; rowLabels: string[] }; patchDiagnostics: Array<{ block: number; partition: number; tokenCosine: number }> };
    const own = await t.ok<Sim>(sim, { runId: run.id }, 'reader');
    expect(own.similarity).toEqual({ partition: 2, rowLabels: ['B1', 'B2'] });
    expect(own.patchDiagnostics.map((d) => d.block)).toEqual([1, 2]);
    const at3 = await t.ok<Sim>(sim, { runId: run.id, partition: 3 }, 'reader');
    expect(at3.similarity).toEqual({ partition: 3, rowLabels: ['B1', 'B2', 'B3'] });
    expect(at3.patchDiagnostics.map((d) => [d.block, d.partition])).toEqual([[1, 3], [2, 3], [3, 3]]);
    expect(at3.patchDiagnostics[1]!.tokenCosine).toBeCloseTo(0.32, 10);
    const evals = await t.ok<{ run: { evaluations: Array<{ depth: number; partition: number }> } }>(
      `query($id: ID!) { run(id: $id) { evaluations(filter: { partition: 3 }) { depth partition } } }`, { id: run.id }, 'reader');
    expect(evals.run.evaluations.map((e) => [e.depth, e.partition])).toEqual([[1, 3], [2, 3], [3, 3]]);
  });

  it('reads one E2E run\'s depth profile at any K it was evaluated at (the compare view beside a blockwise run), and refuses another', async () => {
    const metric = { source: 'EVALUATION', kind: 'LINEAR_PROBE' };
    const run = runs.find((r) => r.mode === 'E2E')!;
    const RUNS = `query($runIds: [ID!], $metric: MetricSelector!, $partition: Int) { depthProfile(runIds: $runIds, metric: $metric, partition: $partition) { points { depth mean } } }`;
    const read = (partition?: number) => t.ok<{ depthProfile: { points: Array<{ depth: number; mean: number }> } }>(RUNS, { runIds: [run.id], metric, partition }, 'reader');
    expect((await read()).depthProfile.points.map((p) => [p.depth, p.mean])).toEqual([1, 2].map((b) => [b, probeValue(run, 2, b)]));
    expect((await read(3)).depthProfile.points.map((p) => [p.depth, p.mean])).toEqual([1, 2, 3].map((b) => [b, probeValue(run, 3, b)]));
    const refused = await t.gql(RUNS, { runIds: [run.id], metric, partition: 4 }, 'reader');
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    expect(refused.errors![0]!.message).toContain('was not evaluated at K=4 (its partitions: 2, 3)');
  });

  it('pairs the one E2E run with the blockwise runs of every K for cross-run CKA', async () => {
    const { rows } = await t.api.services.pool.query<{ run_id: string; other_run_id: string }>(
      `SELECT j.run_id, j.other_run_id FROM jobs j JOIN runs r ON r.id = j.run_id WHERE r.sweep_id = $1 AND j.kind = 'COMPARE'`, [sweepId]);
    const expected = runs.filter((r) => r.mode !== 'E2E').map((r) => [r.id, runs.find((e) => e.mode === 'E2E' && e.seed === r.seed)!.id]);
    expect(rows.map((r) => [r.run_id, r.other_run_id]).sort()).toEqual(expected.sort());
    expect(rows).toHaveLength(8);
  });
});
