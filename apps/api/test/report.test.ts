// Reports: idempotent upserts on the schema's unique keys, similarity matrices replaced whole,
// checkpoints tied to the artifact store, input checks.
import crypto from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { TestApi } from './harness.js';
import {
  claim, errorCode, holdFreshJob, startAgentApi, REGISTER_CHECKPOINT, REPORT_EVALUATION, REPORT_PATCH, REPORT_SIMILARITY, seedJobs, uploadArtifact,
  type Claimed, type TestAgent,
} from './agent-fixtures.js';

let t: TestApi;
let agent: TestAgent;
beforeAll(async () => ({ t, agent } = await startAgentApi()));
afterAll(async () => { await t.close(); });

let job: Claimed;
beforeEach(async () => { job = await holdFreshJob(t, agent); });

function as<T = Record<string, unknown>>(query: string, variables: Record<string, unknown>) {
  return t.gql<T>(query, { jobId: job.jobId, token: job.fencingToken, ...variables }, { token: agent.token });
}

describe('reportEvaluation', () => {
  const probe = (depth: number, value: number) => ({ step: 500, kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'digit', dataset: 'moving-mnist', depth, value, std: 0.01, ciLow: value - 0.02, ciHigh: value + 0.02, folds: [value - 0.01, value + 0.01], n: 1000 });

  it('stores results and replaces them on re-report, keyed by (step, kind, metric, target, dataset, split, depthUnit, depth)', async () => {
    const first = await as<{ reportEvaluation: { stored: number; replaced: number; runId: string } }>(REPORT_EVALUATION, { evaluations: [probe(1, 0.4), probe(2, 0.6)] });
    expect(first.data?.reportEvaluation).toEqual({ runId: job.runId, stored: 2, replaced: 0 });
    const again = await as<{ reportEvaluation: { stored: number; replaced: number } }>(REPORT_EVALUATION, { evaluations: [probe(2, 0.65), probe(3, 0.7)] });
    expect(again.data?.reportEvaluation).toMatchObject({ stored: 2, replaced: 1 });
    const { rows } = await t.api.services.pool.query<{ depth: number; value: number; folds: number[]; split: string; depth_unit: string; n: number }>(
      'SELECT depth, value, folds, split, depth_unit::text, n FROM evaluations WHERE run_id = $1 ORDER BY depth', [job.runId],
    );
    expect(rows).toEqual([
      { depth: 1, value: 0.4, folds: [0.4 - 0.01, 0.4 + 0.01], split: 'eval', depth_unit: 'BLOCK', n: 1000 },
      { depth: 2, value: 0.65, folds: [0.65 - 0.01, 0.65 + 0.01], split: 'eval', depth_unit: 'BLOCK', n: 1000 },
      { depth: 3, value: 0.7, folds: [0.7 - 0.01, 0.7 + 0.01], split: 'eval', depth_unit: 'BLOCK', n: 1000 },
    ]);
  });

  it('keeps the last of repeated keys within one report, and checks the interval', async () => {
    const response = await as<{ reportEvaluation: { stored: number } }>(REPORT_EVALUATION, { evaluations: [probe(1, 0.1), probe(1, 0.2)] });
    expect(response.data?.reportEvaluation.stored).toBe(1);
    const { rows } = await t.api.services.pool.query<{ value: number }>('SELECT value FROM evaluations WHERE run_id = $1', [job.runId]);
    expect(rows).toEqual([{ value: 0.2 }]);
    const bad = await as(REPORT_EVALUATION, { evaluations: [{ ...probe(1, 0.5), ciLow: 0.9, ciHigh: 0.1 }] });
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors?.[0]?.message).toMatch(/ciLow is above ciHigh/);
    const negative = await as(REPORT_EVALUATION, { evaluations: [{ ...probe(1, 0.5), step: -1 }] });
    expect(errorCode(negative)).toBe('BAD_USER_INPUT');
  });
});

describe('reportSimilarity', () => {
  const matrix = (scale: number) => ({ kind: 'LINEAR_CKA', step: 1000, dataset: 'moving-mnist', rowLabels: ['b1', 'b2', 'b3'], colLabels: ['b1', 'b2'], values: [1, 0.5, 0.5, 1, 0.25, 0.75].map((v) => v * scale) });

  it('replaces an earlier matrix with the same (otherRun, kind, step, dataset), even under concurrent re-reports', async () => {
    expect((await as<{ reportSimilarity: { replaced: number } }>(REPORT_SIMILARITY, { matrix: matrix(1) })).data?.reportSimilarity.replaced).toBe(0);
    const concurrent = await Promise.all([0.9, 0.8, 0.7, 0.6, 0.5].map((s) => as<{ reportSimilarity: { stored: number } }>(REPORT_SIMILARITY, { matrix: matrix(s) })));
    for (const r of concurrent) expect(r.data?.reportSimilarity.stored).toBe(1);
    await as(REPORT_SIMILARITY, { matrix: { ...matrix(1), step: 2000 } }); // another step is another matrix
    const { rows } = await t.api.services.pool.query<{ step: number; values: number[]; row_labels: string[]; col_labels: string[] }>(
      'SELECT step, values, row_labels, col_labels FROM similarity_matrices WHERE run_id = $1 ORDER BY step', [job.runId],
    );
    expect(rows.map((r) => r.step)).toEqual([1000, 2000]);
    expect(rows[0]!.row_labels).toEqual(['b1', 'b2', 'b3']);
    expect(rows[0]!.col_labels).toEqual(['b1', 'b2']);
    // whichever concurrent report committed last, the stored matrix is one of them, whole
    expect([0.9, 0.8, 0.7, 0.6, 0.5].map((s) => JSON.stringify(matrix(s).values))).toContain(JSON.stringify(rows[0]!.values));
  });

  it('checks the shape and the other run', async () => {
    const wrongSize = await as(REPORT_SIMILARITY, { matrix: { ...matrix(1), values: [1, 2, 3] } });
    expect(wrongSize.errors?.[0]?.message).toMatch(/values has 3 entries; 3 rows × 2 columns need 6/);
    const nan = await as(REPORT_SIMILARITY, { matrix: JSON.parse(JSON.stringify({ ...matrix(1), values: [1, NaN, 0, 0, 0, 0] })) });
    expect(nan.errors?.length).toBeGreaterThan(0); // GraphQL refuses null for Float!
    const other = await as(REPORT_SIMILARITY, { matrix: { ...matrix(1), otherRunId: crypto.randomUUID() } });
    expect(other.errors?.[0]?.message).toMatch(/this job has no other run/);
    const { rows } = await t.api.services.pool.query('SELECT 1 FROM similarity_matrices WHERE run_id = $1', [job.runId]);
    expect(rows).toHaveLength(0);
  });

  it('stores cross-run matrices for COMPARE jobs', async () => {
    const [b] = await seedJobs(t);
    await t.api.services.pool.query(`UPDATE jobs SET status = 'SUCCEEDED' WHERE id = $1`, [b!.jobId]);
    await seedJobs(t, { kind: 'COMPARE', otherRunId: b!.runId });
    const compare = (await claim(t, agent))!;
    expect(compare.otherRunId).toBe(b!.runId);
    const stored = await t.gql<{ reportSimilarity: { stored: number } }>(REPORT_SIMILARITY, { jobId: compare.jobId, token: compare.fencingToken, matrix: { ...matrix(1), otherRunId: b!.runId } }, { token: agent.token });
    expect(stored.data?.reportSimilarity.stored).toBe(1);
    const { rows } = await t.api.services.pool.query<{ other_run_id: string }>('SELECT other_run_id FROM similarity_matrices WHERE run_id = $1', [compare.runId]);
    expect(rows).toEqual([{ other_run_id: b!.runId }]);
  });
});

describe('reportPatchDiagnostics', () => {
  it('upserts per (step, dataset, block) and checks the reconstruction grid', async () => {
    const diag = (block: number, isotropy: number) => ({ step: 100, dataset: 'gratings', block, isotropy, effectiveRank: 12.5, reconstructionGrid: [2, 1, 2], reconstructionError: [0.1, 0.2, 0.3, 0.4] });
    expect((await as<{ reportPatchDiagnostics: { stored: number; replaced: number } }>(REPORT_PATCH, { diagnostics: [diag(1, 0.3), diag(2, 0.4)] })).data?.reportPatchDiagnostics).toMatchObject({ stored: 2, replaced: 0 });
    expect((await as<{ reportPatchDiagnostics: { stored: number; replaced: number } }>(REPORT_PATCH, { diagnostics: [diag(2, 0.45)] })).data?.reportPatchDiagnostics).toMatchObject({ stored: 1, replaced: 1 });
    const { rows } = await t.api.services.pool.query<{ block: number; isotropy: number; effective_rank: number; token_cosine: number | null; reconstruction_error: number[]; reconstruction_grid: number[] }>(
      'SELECT block, isotropy, effective_rank, token_cosine, reconstruction_error, reconstruction_grid FROM patch_diagnostics WHERE run_id = $1 ORDER BY block', [job.runId],
    );
    expect(rows).toEqual([
      { block: 1, isotropy: 0.3, effective_rank: 12.5, token_cosine: null, reconstruction_error: [0.1, 0.2, 0.3, 0.4], reconstruction_grid: [2, 1, 2] },
      { block: 2, isotropy: 0.45, effective_rank: 12.5, token_cosine: null, reconstruction_error: [0.1, 0.2, 0.3, 0.4], reconstruction_grid: [2, 1, 2] },
    ]);
    const bad = await as(REPORT_PATCH, { diagnostics: [{ ...diag(3, 0.1), reconstructionError: [0.1] }] });
    expect(bad.errors?.[0]?.message).toMatch(/reconstructionError has 1 values; grid 2×1×2 needs 4/);
  });
});

describe('registerCheckpoint', () => {
  it('needs the artifact in the store (or an explicit uri), matches its size, and the latest step is what a re-claim resumes from', async () => {
    const bytes = crypto.randomBytes(3000);
    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    const missing = await as(REGISTER_CHECKPOINT, { step: 10, sha256, bytes: bytes.length });
    expect(missing.errors?.[0]?.message).toMatch(/not in the artifact store: upload it first/);
    expect((await uploadArtifact(t, agent.token, bytes, job)).status).toBe(201);
    const wrongSize = await as(REGISTER_CHECKPOINT, { step: 10, sha256, bytes: bytes.length + 1 });
    expect(wrongSize.errors?.[0]?.message).toMatch(/with 3000 bytes, not 3001/);
    const ok = await as<{ registerCheckpoint: { step: number; sha256: string; uri: string; bytes: number } }>(REGISTER_CHECKPOINT, { step: 10, sha256, bytes: bytes.length });
    expect(ok.data?.registerCheckpoint).toMatchObject({ step: 10, sha256, bytes: 3000 });
    expect(ok.data?.registerCheckpoint.uri).toMatch(new RegExp(`^file://.*/${sha256}$`));
    const external = 'b'.repeat(64);
    await as(REGISTER_CHECKPOINT, { step: 20, sha256: external, bytes: 5, uri: 's3://elsewhere/ckpt-20' });
    // re-registering a step replaces it
    await as(REGISTER_CHECKPOINT, { step: 10, sha256, bytes: bytes.length });
    const { rows } = await t.api.services.pool.query<{ step: number; uri: string }>('SELECT step, uri FROM checkpoints WHERE run_id = $1 ORDER BY step', [job.runId]);
    expect(rows.map((r) => r.step)).toEqual([10, 20]);
    // hand the job back and claim it again: it resumes from step 20
    await t.gql(`mutation($j: ID!, $t: String!) { releaseJob(jobId: $j, fencingToken: $t) { status } }`, { j: job.jobId, t: job.fencingToken }, { token: agent.token });
    const again = (await claim(t, agent))!;
    expect(again.latestCheckpoint).toEqual({ step: 20, sha256: external, bytes: 5, uri: 's3://elsewhere/ckpt-20' });
    const badSha = await as(REGISTER_CHECKPOINT, { step: 30, sha256: 'XYZ', bytes: 1 });
    expect(badSha.errors?.[0]?.message).toMatch(/sha256 must be 64 lowercase hex/);
  });
});
