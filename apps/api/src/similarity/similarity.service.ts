// Similarity matrices and patch diagnostics of a run, by step (latest when not given).
import type { AppServices } from '../context.js';
import { NotFoundError } from '../errors/codes.js';
import { parseId } from '../common/ids.js';
import { selectList, type Fields, type Row, type RowOf } from '../common/columns.js';
import type { PatchDiagnosticsArgs, SimilarityArgs } from './similarity.input.js';
import type { PatchDiagnostic, SimilarityMatrix } from './similarity.type.js';

const MATRIX_FIELDS = {
  id: 'id', runId: 'run_id', otherRunId: 'other_run_id', kind: 'kind', step: 'step', dataset: 'dataset', partition: 'partition',
  rowLabels: 'row_labels', colLabels: 'col_labels', values: 'values', createdAt: 'created_at',
} as const satisfies Fields<'similarity_matrices'>;
const MATRIX_COLUMNS = selectList('similarity_matrices', 'm', MATRIX_FIELDS);

const DIAGNOSTIC_FIELDS = {
  id: 'id', runId: 'run_id', step: 'step', dataset: 'dataset', block: 'block', partition: 'partition', tokenCosine: 'token_cosine',
  occDrop: 'occ_drop', effectiveRank: 'effective_rank', participationRatio: 'participation_ratio', isotropy: 'isotropy',
  uniformity: 'uniformity', tokenNormMean: 'token_norm_mean', tokenNormStd: 'token_norm_std', tokenNormMax: 'token_norm_max',
  attentionDistance: 'attention_distance', attentionDistanceSpatial: 'attention_distance_spatial',
  attentionDistanceTemporal: 'attention_distance_temporal', reconstructionError: 'reconstruction_error',
  reconstructionGrid: 'reconstruction_grid', createdAt: 'created_at',
} as const satisfies Fields<'patch_diagnostics'>;
const DIAGNOSTIC_COLUMNS = selectList('patch_diagnostics', 'd', DIAGNOSTIC_FIELDS);

/** The run's K (the default partition); NOT_FOUND when there is no such run. */
async function requireRun(app: AppServices, id: string): Promise<number> {
  const { rows } = await app.readPool.query<Pick<Row<'runs'>, 'blocks'>>('SELECT blocks FROM runs WHERE id = $1', [id]);
  if (!rows[0]) throw new NotFoundError('run', id);
  return rows[0].blocks;
}

export async function similarity(app: AppServices, args: SimilarityArgs): Promise<SimilarityMatrix | null> {
  const runId = parseId(args.runId, 'runId');
  const other = args.otherRunId ? parseId(args.otherRunId, 'otherRunId') : null;
  const ownK = await requireRun(app, runId);
  const otherK = other ? await requireRun(app, other) : null;
  // A cross-run matrix is stored once per pair, in the order its COMPARE job ran (rows from
  // run_id, partition of run_id): asked the other way round, the stored one is returned transposed.
  // Without a partition, each run's own K is meant.
  const partition = args.partition ?? null;
  const { rows } = await app.readPool.query<RowOf<'similarity_matrices', typeof MATRIX_FIELDS> & { transposed: boolean }>(
    `SELECT ${MATRIX_COLUMNS}, m.run_id <> $1 AS transposed FROM similarity_matrices m
     WHERE m.kind::text = $2 AND ($4::int IS NULL OR m.step = $4) AND ($5::text IS NULL OR m.dataset = $5)
       AND ((m.run_id = $1 AND m.other_run_id IS NOT DISTINCT FROM $3::uuid AND m.partition = COALESCE($6::int, $7::int))
            OR ($3::uuid IS NOT NULL AND m.run_id = $3 AND m.other_run_id = $1 AND m.partition = COALESCE($6::int, $8::int)))
     ORDER BY m.step DESC, m.dataset, (m.run_id <> $1), m.created_at DESC LIMIT 1`,
    [runId, args.kind, other, args.step ?? null, args.dataset ?? null, partition, ownK, otherK]);
  const row = rows[0];
  if (!row) return null;
  const { transposed, ...matrix } = row;
  return transposed ? transpose(matrix) : matrix;
}

/** The same matrix seen from its other run: rows ↔ columns, runId ↔ otherRunId. */
export function transpose(m: SimilarityMatrix): SimilarityMatrix {
  const rows = m.rowLabels.length;
  const cols = m.colLabels.length;
  const values = Array.from({ length: rows * cols }, (_, i) => m.values[(i % rows) * cols + Math.floor(i / rows)]!);
  return { ...m, runId: m.otherRunId!, otherRunId: m.runId, rowLabels: m.colLabels, colLabels: m.rowLabels, values };
}

/** Steps with a matrix like this one (same run, kind, dataset, other run — in either order), ascending. */
export async function similaritySteps(app: AppServices, m: SimilarityMatrix): Promise<number[]> {
  const { rows } = await app.readPool.query<Pick<Row<'similarity_matrices'>, 'step'>>(
    `SELECT DISTINCT step FROM similarity_matrices WHERE kind::text = $2 AND dataset = $3 AND partition = $5
       AND ((run_id = $1 AND other_run_id IS NOT DISTINCT FROM $4::uuid) OR ($4::uuid IS NOT NULL AND run_id = $4 AND other_run_id = $1))
     ORDER BY step`,
    [m.runId, m.kind, m.dataset, m.otherRunId, m.partition]);
  return rows.map((r) => r.step);
}

export async function patchDiagnostics(app: AppServices, args: PatchDiagnosticsArgs): Promise<PatchDiagnostic[]> {
  const runId = parseId(args.runId, 'runId');
  const partition = await requireRun(app, runId).then((k) => args.partition ?? k);
  const { rows } = await app.readPool.query<RowOf<'patch_diagnostics', typeof DIAGNOSTIC_FIELDS>>(
    `SELECT ${DIAGNOSTIC_COLUMNS}
     FROM patch_diagnostics d
     WHERE d.run_id = $1 AND ($3::text IS NULL OR d.dataset = $3) AND d.partition = $4
       AND d.step = COALESCE($2::int, (SELECT max(x.step) FROM patch_diagnostics x WHERE x.run_id = $1 AND ($3::text IS NULL OR x.dataset = $3) AND x.partition = $4))
     ORDER BY d.dataset, d.block`,
    [runId, args.step ?? null, args.dataset ?? null, partition]);
  return rows;
}
