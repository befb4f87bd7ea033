// Reports from a job's holder: evaluation results, similarity matrices, patch diagnostics and
// checkpoints. Each report is one transaction under the job's fence (withFence) and idempotent:
// evaluations, patch diagnostics and checkpoints upsert on their unique keys; similarity
// matrices, which have no unique key, are replaced (delete + insert) under an advisory lock on
// (run, otherRun, kind, step, dataset) so that concurrent re-reports cannot leave two copies.
import type pg from 'pg';
import type { AppServices } from '../context.js';
import { BadInputError } from '../errors/codes.js';
import { SHA256_PATTERN } from '../common/artifact-store.js';
import { withFence, type Fence } from '../job/fence.js';
import { parseId } from '../common/ids.js';
import type { CheckpointRef } from '../job/job.type.js';
import type { EvaluationInput, PatchDiagnosticInput, SimilarityInput } from './report.input.js';
import type { ReportResult } from './report.type.js';
import type { Row } from '../common/columns.js';

export const MAX_EVALUATIONS_PER_CALL = 5_000;
export const MAX_DIAGNOSTICS_PER_CALL = 1_000;
export const MAX_SIMILARITY_VALUES = 1_000_000;

/**
 * The partition (K) of each reported row: as given, else the run's own K. A row may only name
 * one of the run's partitions (an E2E run of a sweep has every K of the sweep).
 */
async function partitionsOf(client: pg.PoolClient, runId: string, given: ReadonlyArray<number | null | undefined>, field: string): Promise<number[]> {
  const run = (await client.query<Pick<Row<'runs'>, 'blocks' | 'partitions'>>('SELECT blocks, partitions FROM runs WHERE id = $1', [runId])).rows[0]!;
  return given.map((k, i) => {
    if (k === null || k === undefined) return run.blocks;
    if (!run.partitions.includes(k)) {
      throw new BadInputError(`${field}[${i}].partition: K=${k} is not one of this run's partitions (${run.partitions.join(', ')})`, `${field}.partition`);
    }
    return k;
  });
}

/** Keeps the last of several entries with the same key (ON CONFLICT DO UPDATE may touch a row once). */
function lastByKey<T>(items: readonly T[], key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    byKey.delete(k); // re-insert so the order is that of the last occurrence
    byKey.set(k, item);
  }
  return [...byKey.values()];
}

const EVALUATIONS_SQL = `
INSERT INTO evaluations (run_id, step, kind, metric, target, dataset, split, depth_unit, depth, partition, value, std, ci_low, ci_high, folds, n)
SELECT $1::uuid, u.step, u.kind::"EvaluationKind", u.metric, u.target, u.dataset, u.split, u.depth_unit::"DepthUnit", u.depth, u.partition,
       u.value, u.std, u.ci_low, u.ci_high, ARRAY(SELECT jsonb_array_elements_text(u.folds)::float8), u.n
FROM unnest($2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::int[], $16::int[],
            $10::float8[], $11::float8[], $12::float8[], $13::float8[], $14::jsonb[], $15::int[])
  AS u(step, kind, metric, target, dataset, split, depth_unit, depth, partition, value, std, ci_low, ci_high, folds, n)
ON CONFLICT (run_id, step, kind, metric, target, dataset, split, depth_unit, depth, partition) DO UPDATE
SET value = EXCLUDED.value, std = EXCLUDED.std, ci_low = EXCLUDED.ci_low, ci_high = EXCLUDED.ci_high, folds = EXCLUDED.folds, n = EXCLUDED.n
RETURNING (xmax = 0) AS inserted`;

export async function reportEvaluations(app: AppServices, fence: Fence, input: readonly EvaluationInput[]): Promise<ReportResult> {
  if (input.length === 0) throw new BadInputError('evaluations must not be empty', 'evaluations');
  if (input.length > MAX_EVALUATIONS_PER_CALL) throw new BadInputError(`at most ${MAX_EVALUATIONS_PER_CALL} evaluations per call`, 'evaluations');
  input.forEach((e, i) => {
    if (e.ciLow != null && e.ciHigh != null && e.ciLow > e.ciHigh) throw new BadInputError(`evaluations[${i}]: ciLow is above ciHigh`, 'evaluations.ciLow');
  });
  return withFence(app, fence, async (client, job) => {
    const partitions = await partitionsOf(client, job.runId, input.map((e) => e.partition), 'evaluations');
    const rows = lastByKey(input.map((e, i) => ({ ...e, partition: partitions[i]! })),
      (e) => JSON.stringify([e.step, e.kind, e.metric, e.target, e.dataset, e.split, e.depthUnit, e.depth, e.partition]));
    const column = <K extends keyof EvaluationInput>(k: K) => rows.map((r) => r[k] ?? null);
    const { rows: written } = await client.query<{ inserted: boolean }>(EVALUATIONS_SQL, [
      job.runId, column('step'), column('kind'), column('metric'), column('target'), column('dataset'), column('split'),
      column('depthUnit'), column('depth'), column('value'), column('std'), column('ciLow'), column('ciHigh'),
      rows.map((r) => JSON.stringify(r.folds ?? [])), column('n'), column('partition'),
    ]);
    return { runId: job.runId, stored: written.length, replaced: written.filter((w) => !w.inserted).length };
  });
}

export async function reportSimilarity(app: AppServices, fence: Fence, input: SimilarityInput): Promise<ReportResult> {
  const rows = input.rowLabels.length;
  const cols = input.colLabels.length;
  if (rows === 0 || cols === 0) throw new BadInputError('a similarity matrix needs at least one row and one column label', 'rowLabels');
  if (input.values.length !== rows * cols) {
    throw new BadInputError(`values has ${input.values.length} entries; ${rows} rows × ${cols} columns need ${rows * cols}`, 'values');
  }
  if (input.values.length > MAX_SIMILARITY_VALUES) throw new BadInputError(`a matrix holds at most ${MAX_SIMILARITY_VALUES} values`, 'values');
  const otherRunId = input.otherRunId ? parseId(input.otherRunId, 'otherRunId') : null;
  return withFence(app, fence, async (client, job) => {
    if (otherRunId !== null && otherRunId !== job.otherRunId) {
      throw new BadInputError(
        job.otherRunId ? `otherRunId must be this job's other run ${job.otherRunId}` : 'this job has no other run; report a within-run matrix (otherRunId null)',
        'otherRunId',
      );
    }
    const [partition] = await partitionsOf(client, job.runId, [input.partition], 'similarity');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [
      job.runId, JSON.stringify([otherRunId, input.kind, input.step, input.dataset, partition]),
    ]);
    const removed = await client.query(
      `DELETE FROM similarity_matrices
       WHERE run_id = $1 AND other_run_id IS NOT DISTINCT FROM $2::uuid AND kind = $3::"SimilarityKind" AND step = $4 AND dataset = $5 AND partition = $6`,
      [job.runId, otherRunId, input.kind, input.step, input.dataset, partition],
    );
    await client.query(
      `INSERT INTO similarity_matrices (run_id, other_run_id, kind, step, dataset, partition, row_labels, col_labels, values)
       VALUES ($1, $2::uuid, $3::"SimilarityKind", $4, $5, $6, $7::text[], $8::text[], $9::float8[])`,
      [job.runId, otherRunId, input.kind, input.step, input.dataset, partition, input.rowLabels, input.colLabels, `{${input.values.join(',')}}`],
    );
    return { runId: job.runId, stored: 1, replaced: Math.min(removed.rowCount ?? 0, 1) };
  });
}

const DIAGNOSTIC_FLOATS = [
  ['tokenCosine', 'token_cosine'], ['occDrop', 'occ_drop'], ['effectiveRank', 'effective_rank'],
  ['participationRatio', 'participation_ratio'], ['isotropy', 'isotropy'], ['uniformity', 'uniformity'],
  ['tokenNormMean', 'token_norm_mean'], ['tokenNormStd', 'token_norm_std'], ['tokenNormMax', 'token_norm_max'],
  ['attentionDistance', 'attention_distance'], ['attentionDistanceSpatial', 'attention_distance_spatial'],
  ['attentionDistanceTemporal', 'attention_distance_temporal'],
] as const satisfies ReadonlyArray<readonly [keyof PatchDiagnosticInput, string]>;

const DIAGNOSTICS_SQL = `
INSERT INTO patch_diagnostics (run_id, step, dataset, block, partition, ${DIAGNOSTIC_FLOATS.map(([, c]) => c).join(', ')}, reconstruction_error, reconstruction_grid)
SELECT $1::uuid, u.step, u.dataset, u.block, u.partition, ${DIAGNOSTIC_FLOATS.map(([, c]) => `u.${c}`).join(', ')},
       ARRAY(SELECT jsonb_array_elements_text(u.recon)::float8), ARRAY(SELECT jsonb_array_elements_text(u.grid)::int)
FROM unnest($2::int[], $3::text[], $4::int[], ${DIAGNOSTIC_FLOATS.map((_, i) => `$${5 + i}::float8[]`).join(', ')},
            $${5 + DIAGNOSTIC_FLOATS.length}::jsonb[], $${6 + DIAGNOSTIC_FLOATS.length}::jsonb[], $${7 + DIAGNOSTIC_FLOATS.length}::int[])
  AS u(step, dataset, block, ${DIAGNOSTIC_FLOATS.map(([, c]) => c).join(', ')}, recon, grid, partition)
ON CONFLICT (run_id, step, dataset, block, partition) DO UPDATE
SET ${DIAGNOSTIC_FLOATS.map(([, c]) => `${c} = EXCLUDED.${c}`).join(', ')},
    reconstruction_error = EXCLUDED.reconstruction_error, reconstruction_grid = EXCLUDED.reconstruction_grid
RETURNING (xmax = 0) AS inserted`;

export async function reportPatchDiagnostics(app: AppServices, fence: Fence, input: readonly PatchDiagnosticInput[]): Promise<ReportResult> {
  if (input.length === 0) throw new BadInputError('diagnostics must not be empty', 'diagnostics');
  if (input.length > MAX_DIAGNOSTICS_PER_CALL) throw new BadInputError(`at most ${MAX_DIAGNOSTICS_PER_CALL} diagnostics per call`, 'diagnostics');
  input.forEach((d, i) => {
    const grid = d.reconstructionGrid ?? [];
    const errors = d.reconstructionError ?? [];
    if (grid.length !== 0 && grid.length !== 3) throw new BadInputError(`diagnostics[${i}]: reconstructionGrid is (t, h, w): 3 sizes or none`, 'reconstructionGrid');
    if (grid.some((g) => g < 1)) throw new BadInputError(`diagnostics[${i}]: reconstructionGrid sizes must be ≥ 1`, 'reconstructionGrid');
    const cells = grid.reduce((a, b) => a * b, 1);
    if (grid.length === 3 && errors.length !== cells) {
      throw new BadInputError(`diagnostics[${i}]: reconstructionError has ${errors.length} values; grid ${grid.join('×')} needs ${cells}`, 'reconstructionError');
    }
    if (grid.length === 0 && errors.length !== 0) throw new BadInputError(`diagnostics[${i}]: reconstructionError needs its reconstructionGrid`, 'reconstructionGrid');
  });
  return withFence(app, fence, async (client, job) => {
    const partitions = await partitionsOf(client, job.runId, input.map((d) => d.partition), 'diagnostics');
    const rows = lastByKey(input.map((d, i) => ({ ...d, partition: partitions[i]! })), (d) => JSON.stringify([d.step, d.dataset, d.block, d.partition]));
    const { rows: written } = await client.query<{ inserted: boolean }>(DIAGNOSTICS_SQL, [
      job.runId,
      rows.map((r) => r.step),
      rows.map((r) => r.dataset),
      rows.map((r) => r.block),
      ...DIAGNOSTIC_FLOATS.map(([field]) => rows.map((r) => (r[field] as number | null | undefined) ?? null)),
      rows.map((r) => JSON.stringify(r.reconstructionError ?? [])),
      rows.map((r) => JSON.stringify(r.reconstructionGrid ?? [])),
      rows.map((r) => r.partition),
    ]);
    return { runId: job.runId, stored: written.length, replaced: written.filter((w) => !w.inserted).length };
  });
}

export interface CheckpointArgs {
  step: number;
  sha256: string;
  bytes: number;
  uri?: string | null | undefined;
}

/**
 * Records a checkpoint of the job's run. The bytes should already be in the artifact store
 * (PUT /artifacts/<sha256>); then size and URI come from the store. A checkpoint kept elsewhere
 * needs its uri. Re-registering a step replaces it (a resumed run may re-save the same step).
 */
export async function registerCheckpoint(app: AppServices, fence: Fence, args: CheckpointArgs): Promise<CheckpointRef> {
  if (args.step < 0) throw new BadInputError('step must be ≥ 0', 'step');
  if (!SHA256_PATTERN.test(args.sha256)) throw new BadInputError('sha256 must be 64 lowercase hex characters', 'sha256');
  if (!Number.isSafeInteger(args.bytes) || args.bytes < 0) throw new BadInputError('bytes must be a non-negative integer', 'bytes');
  if (args.uri !== undefined && args.uri !== null && (args.uri.length === 0 || args.uri.length > 2000)) throw new BadInputError('uri must be 1–2000 characters', 'uri');
  return withFence(app, fence, async (client, job) => {
    const stored = await app.artifacts.has(args.sha256);
    if (stored && stored.bytes !== args.bytes) {
      throw new BadInputError(`the artifact store holds ${args.sha256} with ${stored.bytes} bytes, not ${args.bytes}`, 'bytes');
    }
    const uri = args.uri ?? stored?.uri;
    if (!uri) throw new BadInputError(`artifact ${args.sha256} is not in the artifact store: upload it first (PUT /artifacts/${args.sha256}) or give its uri`, 'sha256');
    const { rows } = await client.query<Pick<Row<'checkpoints'>, 'step' | 'sha256' | 'uri' | 'bytes'>>(
      `INSERT INTO checkpoints (run_id, step, uri, sha256, bytes) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (run_id, step) DO UPDATE SET uri = EXCLUDED.uri, sha256 = EXCLUDED.sha256, bytes = EXCLUDED.bytes
       RETURNING step, sha256, uri, bytes::text AS bytes`,
      [job.runId, args.step, uri, args.sha256, args.bytes],
    );
    const row = rows[0] as { step: number; sha256: string; uri: string; bytes: string };
    return { step: row.step, sha256: row.sha256, uri: row.uri, bytes: Number(row.bytes) };
  });
}
