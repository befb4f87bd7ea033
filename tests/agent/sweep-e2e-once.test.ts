// A sweep trains E2E once per (size, seed) and evaluates it at every K (issue 19 item 3), end to
// end: createSweep on a real API and PostgreSQL, a real agent daemon training tiny runs on wasm,
// the one E2E run's evaluations stored per K, the grid's E2E cell under each K fed by it, and the
// cross-run CKA of every blockwise run against it at that run's K.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killAgents, spawnAgent, startFaultApi, waitFor, type FaultApi } from './harness.js';

let api: FaultApi;
let writer: string;
let sweepId: string;
interface Run { id: string; name: string; mode: string; blocks: number; partitions: number[]; status: string }
let runs: Run[];

const GRID = `query($sweepId: ID!, $block: Int) {
  sweepGrid(sweepId: $sweepId, metric: { source: EVALUATION, kind: KNN_RETRIEVAL, target: "digit" }, block: $block) {
    blocks cells { blocks mode runs n values { runId value depth } } } }`;
interface Grid { sweepGrid: { blocks: number[]; cells: Array<{ blocks: number; mode: string; runs: number; n: number; values: Array<{ runId: string; value: number | null; depth: number | null }> }> } }

beforeAll(async () => {
  api = await startFaultApi();
  writer = await api.writerToken();
  const input = {
    project: 'e2e-once', name: 'tiny', steps: 12,
    factors: { modelSizes: ['nano'], blocks: [1, 2], modes: ['E2E', 'BLOCKWISE_SIMULTANEOUS'], seeds: [0] },
    dataset: { name: 'moving-mnist', count: 64, frames: 16, size: 32 },
    evaluation: { clips: 48, tokenClips: 8 },
    overrides: { model: { depth: 2, embedDim: 32, heads: 1, decoderDim: 32, decoderHeads: 1, decoderDepth: 1 }, batchSize: 4, checkpointEvery: 0, backend: 'wasm' },
  };
  const created = await api.graphql<{ createSweep: { sweep: { id: string } } }>(writer,
    'mutation($input: CreateSweepInput!) { createSweep(input: $input) { sweep { id } } }', { input });
  sweepId = created.createSweep.sweep.id;
  spawnAgent(api, { token: await api.agentToken('e2e-once') });
  // Three TRAIN jobs and two COMPARE jobs, all finished (generous: the machine is shared).
  await waitFor('every job finished', async () => {
    const { rows } = await api.pool().query<{ kind: string; status: string }>(
      'SELECT j.kind::text, j.status::text FROM jobs j JOIN runs r ON r.id = j.run_id WHERE r.sweep_id = $1', [sweepId]);
    const failed = rows.find((r) => r.status === 'FAILED');
    if (failed) throw new Error(`a ${failed.kind} job failed`);
    return rows.length === 5 && rows.every((r) => r.status === 'SUCCEEDED') ? rows : undefined;
  }, 300_000, 500);
  runs = (await api.graphql<{ sweep: { runs: Run[] } }>(writer, 'query($id: ID!) { sweep(id: $id) { runs { id name mode blocks partitions status } } }', { id: sweepId })).sweep.runs;
}, 360_000);

afterAll(async () => {
  await killAgents();
  await api?.close();
});

describe('a sweep over K=1 and K=2 with a real agent', () => {
  it('trains one E2E run for both K and one blockwise run per K', async () => {
    expect(runs.map((r) => [r.name, r.mode, r.partitions, r.status])).toEqual([
      ['tiny/nano-e2e-s0', 'E2E', [1, 2], 'SUCCEEDED'],
      ['tiny/nano-k1-sim-s0', 'BLOCKWISE_SIMULTANEOUS', [1], 'SUCCEEDED'],
      ['tiny/nano-k2-sim-s0', 'BLOCKWISE_SIMULTANEOUS', [2], 'SUCCEEDED'],
    ]);
    const { rows } = await api.pool().query<{ n: number }>(
      "SELECT count(*)::int AS n FROM jobs j JOIN runs r ON r.id = j.run_id WHERE r.sweep_id = $1 AND j.kind = 'TRAIN' AND r.mode = 'E2E'", [sweepId]);
    expect(rows[0]!.n).toBe(1);
  });

  it('stores the E2E run’s evaluations, block CKA and patch diagnostics at the boundaries of each K', async () => {
    const e2e = runs.find((r) => r.mode === 'E2E')!;
    const pool = api.pool();
    const depths = await pool.query<{ partition: number; depths: number[] }>(
      `SELECT partition, array_agg(DISTINCT depth ORDER BY depth) AS depths FROM evaluations
       WHERE run_id = $1 AND depth_unit = 'BLOCK' AND kind = 'KNN_RETRIEVAL' GROUP BY 1 ORDER BY 1`, [e2e.id]);
    expect(depths.rows).toEqual([{ partition: 1, depths: [1] }, { partition: 2, depths: [1, 2] }]);
    const matrices = await pool.query<{ partition: number; row_labels: string[] }>(
      "SELECT partition, row_labels FROM similarity_matrices WHERE run_id = $1 AND other_run_id IS NULL AND kind = 'LINEAR_CKA' ORDER BY partition", [e2e.id]);
    // K=1 has one block: no block×block matrix; K=2 has its own.
    expect(matrices.rows).toEqual([{ partition: 2, row_labels: ['B1', 'B2'] }]);
    const patches = await pool.query<{ partition: number; block: number }>('SELECT partition, block FROM patch_diagnostics WHERE run_id = $1 ORDER BY partition, block', [e2e.id]);
    expect(patches.rows).toEqual([{ partition: 1, block: 1 }, { partition: 2, block: 1 }, { partition: 2, block: 2 }]);
  });

  it('feeds the E2E cell under each K from the one run, read at that K’s boundaries', async () => {
    const e2e = runs.find((r) => r.mode === 'E2E')!;
    const { sweepGrid } = await api.graphql<Grid>(writer, GRID, { sweepId });
    expect(sweepGrid.blocks).toEqual([1, 2]);
    const cell = (k: number) => sweepGrid.cells.find((c) => c.blocks === k && c.mode === 'E2E')!;
    for (const k of [1, 2]) {
      expect(cell(k)).toMatchObject({ runs: 1, n: 1 });
      expect(cell(k).values).toEqual([expect.objectContaining({ runId: e2e.id, depth: k })]);
    }
    // The last block of either K is the same encoder output (after the final norm): the same mAP.
    expect(cell(1).values[0]!.value).toBe(cell(2).values[0]!.value);
    // Block 1 of K=2 (layer 1) is not block 1 of K=1 (layer 2, normed).
    const block1 = (await api.graphql<Grid>(writer, GRID, { sweepId, block: 1 })).sweepGrid.cells;
    const at = (k: number) => block1.find((c) => c.blocks === k && c.mode === 'E2E')!.values[0]!.value;
    expect(at(1)).toBe(cell(1).values[0]!.value);
    const { rows } = await api.pool().query<{ value: number }>(
      "SELECT value FROM evaluations WHERE run_id = $1 AND kind = 'KNN_RETRIEVAL' AND metric = 'mAP' AND target = 'digit' AND depth_unit = 'BLOCK' AND depth = 1 AND partition = 2", [e2e.id]);
    expect(at(2)).toBe(rows[0]!.value);
  });

  it('compares every blockwise run with the one E2E run at the blockwise run’s K', async () => {
    const e2e = runs.find((r) => r.mode === 'E2E')!;
    const { rows } = await api.pool().query<{ name: string; other_run_id: string; col_labels: string[] }>(
      `SELECT r.name, m.other_run_id, m.col_labels FROM similarity_matrices m JOIN runs r ON r.id = m.run_id
       WHERE r.sweep_id = $1 AND m.other_run_id IS NOT NULL AND m.kind = 'LINEAR_CKA' ORDER BY r.name`, [sweepId]);
    expect(rows).toEqual([
      { name: 'tiny/nano-k1-sim-s0', other_run_id: e2e.id, col_labels: ['B1'] },
      { name: 'tiny/nano-k2-sim-s0', other_run_id: e2e.id, col_labels: ['B1', 'B2'] },
    ]);
  });
});
