// similarity(runId, otherRunId): a cross-run matrix is stored once per pair (rows from the run
// its COMPARE job ran on) and is found from either side, transposed when asked the other way.
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';

let t: TestApi;
let ids: { blockwise: string; e2e: string; lone: string };
beforeAll(async () => {
  t = await startTestApi({ REAPER_INTERVAL_MS: '3600000' });
  const pool = t.api.services.pool;
  const project = (await pool.query<{ id: string }>('INSERT INTO projects (name) VALUES ($1) RETURNING id', [`sim-${crypto.randomBytes(4).toString('hex')}`])).rows[0]!.id;
  const run = async (name: string, mode: string) => (await pool.query<{ id: string }>(
    "INSERT INTO runs (project_id, name, mode, model_size, blocks, seed, dataset, config) VALUES ($1, $2, $3, 'nano', 3, 0, 'moving-mnist', '{}') RETURNING id",
    [project, name, mode])).rows[0]!.id;
  ids = { blockwise: await run('bw', 'BLOCKWISE_SIMULTANEOUS'), e2e: await run('e2e', 'E2E'), lone: await run('lone', 'E2E') };
  // Rows: blocks of the blockwise run (3); columns: blocks of the E2E run, as labelled below (2, to keep it non-square).
  const insert = (step: number, values: number[]) => pool.query(
    `INSERT INTO similarity_matrices (run_id, other_run_id, kind, step, dataset, row_labels, col_labels, values)
     VALUES ($1, $2, 'LINEAR_CKA', $3, 'moving-mnist', ARRAY['B1','B2','B3'], ARRAY['E1','E2'], $4)`,
    [ids.blockwise, ids.e2e, step, values]);
  await insert(100, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
  await insert(200, [0.11, 0.12, 0.21, 0.22, 0.31, 0.32]);
});
afterAll(async () => { await t.close(); });

const QUERY = `query($runId: ID!, $otherRunId: ID, $step: Int) {
  similarity(runId: $runId, otherRunId: $otherRunId, kind: LINEAR_CKA, step: $step) { runId otherRunId step rowLabels colLabels values matrix steps }
}`;
type Matrix = { runId: string; otherRunId: string | null; step: number; rowLabels: string[]; colLabels: string[]; values: number[]; matrix: number[][]; steps: number[] };

describe('cross-run similarity', () => {
  it('returns the stored matrix when asked in the stored order', async () => {
    const { similarity } = await t.ok<{ similarity: Matrix }>(QUERY, { runId: ids.blockwise, otherRunId: ids.e2e });
    expect(similarity).toMatchObject({ runId: ids.blockwise, otherRunId: ids.e2e, step: 200, rowLabels: ['B1', 'B2', 'B3'], colLabels: ['E1', 'E2'] });
    expect(similarity.matrix).toEqual([[0.11, 0.12], [0.21, 0.22], [0.31, 0.32]]);
    expect(similarity.steps).toEqual([100, 200]);
  });

  it('finds it asked the other way round, transposed (rows from the asked run)', async () => {
    const { similarity } = await t.ok<{ similarity: Matrix }>(QUERY, { runId: ids.e2e, otherRunId: ids.blockwise });
    expect(similarity).toMatchObject({ runId: ids.e2e, otherRunId: ids.blockwise, step: 200, rowLabels: ['E1', 'E2'], colLabels: ['B1', 'B2', 'B3'] });
    expect(similarity.matrix).toEqual([[0.11, 0.21, 0.31], [0.12, 0.22, 0.32]]);
    expect(similarity.values).toEqual([0.11, 0.21, 0.31, 0.12, 0.22, 0.32]);
    expect(similarity.steps).toEqual([100, 200]);
    const earlier = await t.ok<{ similarity: Matrix }>(QUERY, { runId: ids.e2e, otherRunId: ids.blockwise, step: 100 });
    expect(earlier.similarity.matrix).toEqual([[0.1, 0.3, 0.5], [0.2, 0.4, 0.6]]);
  });

  it('is null for a pair with no matrix, and NOT_FOUND for an unknown other run', async () => {
    const none = await t.ok<{ similarity: Matrix | null }>(QUERY, { runId: ids.lone, otherRunId: ids.e2e });
    expect(none.similarity).toBeNull();
    const own = await t.ok<{ similarity: Matrix | null }>(QUERY, { runId: ids.e2e });
    expect(own.similarity).toBeNull(); // the cross-run matrix is not the run's own
    const missing = await t.gql(QUERY, { runId: ids.e2e, otherRunId: crypto.randomUUID() });
    expect(missing.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
