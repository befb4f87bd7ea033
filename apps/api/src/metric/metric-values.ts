// Reading one number per (run, depth) for grids, depth profiles, comparisons and regression
// checks: the last training point at or before a step, the latest evaluation, or an entry of the
// latest within-run similarity matrix. Each lookup is one statement over all runs.
import type { AppServices } from '../context.js';
import { BadInputError } from '../errors/codes.js';
import type { DepthUnit, EvaluationKind, SimilarityKind } from '../report/report.enums.js';
import { MetricSource, type MetricSelector } from './metric.input.js';
import { selectList, type Fields, type Row, type RowOf } from '../common/columns.js';

const RUN_INFO_FIELDS = {
  id: 'id', mode: 'mode', modelSize: 'model_size', blocks: 'blocks', partitions: 'partitions', seed: 'seed', status: 'status',
} as const satisfies Fields<'runs'>;
export const RUN_INFO_COLUMNS = selectList('runs', 'r', RUN_INFO_FIELDS);

/** The latest within-run matrix's entries (readingsAt's SIMILARITY source). */
const LATEST_MATRIX_FIELDS = { runId: 'run_id', step: 'step', rowLabels: 'row_labels', colLabels: 'col_labels', values: 'values' } as const satisfies Fields<'similarity_matrices'>;

/** A run as the readings need it. blocks is the K it is read at: block depths count this
 * partition's boundaries (see atEachPartition); partitions, every K the run was evaluated at (a
 * sweep's E2E run: every K of the sweep). */
export type RunInfo = RowOf<'runs', typeof RUN_INFO_FIELDS>;

/** The run once per K it was evaluated at, each read at that K's block boundaries. */
export function atEachPartition(run: RunInfo): RunInfo[] {
  return (run.partitions.length ? run.partitions : [run.blocks]).map((k) => ({ ...run, blocks: k }));
}

/** A selector with every choice made (defaults filled, ambiguity resolved). */
export interface ResolvedMetric {
  source: MetricSource;
  /** TRAINING: metric key; EVALUATION: evaluation metric; SIMILARITY: the similarity kind. */
  key: string;
  kind: EvaluationKind | null;
  target: string | null;
  dataset: string | null;
  split: string | null;
  depthUnit: DepthUnit | null;
  similarity: SimilarityKind | null;
}

export interface Reading { value: number; step: number }
export type DepthReadings = Map<number, Reading>;

const STEP_MAX = 2147483647;

const DEFAULT_EVALUATION_METRIC: Partial<Record<EvaluationKind, string>> = {
  LINEAR_PROBE: 'accuracy',
  KNN_ACCURACY: 'accuracy',
  KNN_RETRIEVAL: 'mAP',
  RECONSTRUCTION: 'mse',
};

/** Fills defaults and resolves target/dataset/split from what the runs actually have. */
export async function resolveMetric(app: AppServices, selector: MetricSelector, runIds: readonly string[], field = 'metric'): Promise<ResolvedMetric> {
  const base = { target: null, dataset: null, split: null, depthUnit: null, kind: null, similarity: null };
  if (selector.source === MetricSource.TRAINING) {
    return { ...base, source: MetricSource.TRAINING, key: selector.key ?? 'loss' };
  }
  if (selector.source === MetricSource.SIMILARITY) {
    const similarity = selector.similarity ?? 'LINEAR_CKA';
    let dataset = selector.dataset ?? null;
    if (dataset === null) {
      const { rows } = await app.readPool.query<Pick<Row<'similarity_matrices'>, 'dataset'>>(
        'SELECT DISTINCT dataset FROM similarity_matrices WHERE run_id = ANY($1::uuid[]) AND other_run_id IS NULL AND kind::text = $2 ORDER BY 1', [runIds, similarity]);
      if (rows.length > 1) throw new BadInputError(`${field}.dataset: the runs have ${similarity} matrices on several datasets (${rows.map((r) => r.dataset).join(', ')}); choose one`, `${field}.dataset`);
      dataset = rows[0]?.dataset ?? null;
    }
    return { ...base, source: MetricSource.SIMILARITY, key: similarity, similarity, dataset };
  }
  if (!selector.kind) throw new BadInputError(`${field}.kind is required for EVALUATION metrics`, `${field}.kind`);
  const key = selector.key ?? DEFAULT_EVALUATION_METRIC[selector.kind];
  if (!key) throw new BadInputError(`${field}.key (the evaluation metric, e.g. effective_rank) is required for ${selector.kind}`, `${field}.key`);
  const depthUnit = selector.depthUnit ?? 'BLOCK';
  const { rows } = await app.readPool.query<Pick<Row<'evaluations'>, 'target' | 'dataset' | 'split'>>(
    `SELECT DISTINCT target, dataset, split FROM evaluations
     WHERE run_id = ANY($1::uuid[]) AND kind::text = $2 AND metric = $3 AND depth_unit::text = $4 ORDER BY 1, 2, 3`,
    [runIds, selector.kind, key, depthUnit]);
  let combos = rows;
  const choose = (name: 'target' | 'dataset' | 'split', given: string | undefined): string | null => {
    if (given !== undefined && given !== null) {
      combos = combos.filter((c) => c[name] === given);
      return given;
    }
    const values = [...new Set(combos.map((c) => c[name]))];
    if (values.length > 1) {
      throw new BadInputError(`${field}.${name}: the runs have ${selector.kind} ${key} for several ${name}s (${values.join(', ')}); choose one`, `${field}.${name}`);
    }
    return values[0] ?? null;
  };
  const target = choose('target', selector.target);
  const dataset = choose('dataset', selector.dataset);
  const split = choose('split', selector.split);
  return { ...base, source: MetricSource.EVALUATION, key, kind: selector.kind, target, dataset, split, depthUnit };
}

/** The "final" depth of a run for a metric: E2E's whole-model loss, the last block otherwise. */
export function finalDepth(run: RunInfo, metric: ResolvedMetric): number | null {
  if (metric.source === MetricSource.TRAINING) return run.mode === 'E2E' ? 0 : run.blocks;
  if (metric.source === MetricSource.SIMILARITY) return run.blocks >= 2 ? run.blocks - 1 : null;
  if (metric.depthUnit === 'MODEL') return 0;
  if (metric.depthUnit === 'LAYER') return null; // the deepest layer measured: see readingsAt
  return run.blocks;
}

/**
 * One reading per run at `depth(run)` (null depth: the deepest available, for LAYER), the last
 * one at or before `at` (null: the latest).
 */
export async function readingsAt(
  app: AppServices, runs: readonly RunInfo[], metric: ResolvedMetric, depth: (run: RunInfo) => number | null, at: number | null,
): Promise<Map<string, Reading>> {
  const out = new Map<string, Reading>();
  if (runs.length === 0) return out;
  const step = at ?? STEP_MAX;
  if (metric.source === MetricSource.TRAINING) {
    const wanted = runs.map((r) => ({ id: r.id, block: depth(r) })).filter((w): w is { id: string; block: number } => w.block !== null);
    if (wanted.length === 0) return out;
    const { rows } = await app.readPool.query<{ runId: Row<'runs'>['id'] } & Pick<Row<'metric_points'>, 'step' | 'value'>>(
      `SELECT s.run_id AS "runId", v.step, v.value
       FROM unnest($1::uuid[], $2::int[]) AS s(run_id, block)
       CROSS JOIN LATERAL (SELECT p.step, p.value FROM metric_points p
         WHERE p.run_id = s.run_id AND p.key_id = (SELECT id FROM metric_keys WHERE name = $3) AND p.block = s.block AND p.step <= $4
         ORDER BY p.step DESC LIMIT 1) v`,
      [wanted.map((w) => w.id), wanted.map((w) => w.block), metric.key, step]);
    for (const row of rows) out.set(row.runId, { value: row.value, step: row.step });
    return out;
  }
  const all = await readingsByDepth(app, runs, metric, at);
  for (const run of runs) {
    const readings = all.get(run.id);
    if (!readings || readings.size === 0) continue;
    const d = depth(run) ?? Math.max(...readings.keys());
    const reading = readings.get(d);
    if (reading) out.set(run.id, reading);
  }
  return out;
}

/** Key of a run read at a K: the same run may be read at several (an E2E run under each K). */
export function readingKey(run: RunInfo): string {
  return `${run.id}\u0000${run.blocks}`;
}

/** readingsAt for runs that may repeat at different K (see atEachPartition), keyed by readingKey. */
export async function readingsAtEach(
  app: AppServices, runs: readonly RunInfo[], metric: ResolvedMetric, depth: (run: RunInfo) => number | null, at: number | null,
): Promise<Map<string, Reading>> {
  const out = new Map<string, Reading>();
  for (const k of new Set(runs.map((r) => r.blocks))) {
    const atK = runs.filter((r) => r.blocks === k);
    for (const [runId, reading] of await readingsAt(app, atK, metric, depth, at)) out.set(`${runId}\u0000${k}`, reading);
  }
  return out;
}

/**
 * Every depth of each run: TRAINING blocks 1..K (and 0, the whole model), EVALUATION depths in
 * the metric's unit, SIMILARITY pairs (k, k+1) keyed by k.
 */
export async function readingsByDepth(app: AppServices, runs: readonly RunInfo[], metric: ResolvedMetric, at: number | null): Promise<Map<string, DepthReadings>> {
  const out = new Map<string, DepthReadings>(runs.map((r) => [r.id, new Map()]));
  if (runs.length === 0) return out;
  const ids = runs.map((r) => r.id);
  const step = at ?? STEP_MAX;
  if (metric.source === MetricSource.TRAINING) {
    const pairs = runs.flatMap((r) => Array.from({ length: r.blocks + 1 }, (_, b) => ({ id: r.id, block: b })));
    const { rows } = await app.readPool.query<{ runId: Row<'runs'>['id'] } & Pick<Row<'metric_points'>, 'block' | 'step' | 'value'>>(
      `SELECT s.run_id AS "runId", s.block, v.step, v.value
       FROM unnest($1::uuid[], $2::int[]) AS s(run_id, block)
       CROSS JOIN LATERAL (SELECT p.step, p.value FROM metric_points p
         WHERE p.run_id = s.run_id AND p.key_id = (SELECT id FROM metric_keys WHERE name = $3) AND p.block = s.block AND p.step <= $4
         ORDER BY p.step DESC LIMIT 1) v`,
      [pairs.map((p) => p.id), pairs.map((p) => p.block), metric.key, step]);
    for (const row of rows) out.get(row.runId)!.set(row.block, { value: row.value, step: row.step });
    return out;
  }
  if (metric.source === MetricSource.EVALUATION) {
    if (metric.target === null || metric.dataset === null || metric.split === null) return out; // nothing recorded
    // BLOCK depths at the K each run is read at; other units do not depend on it.
    const { rows } = await app.readPool.query<{ runId: Row<'evaluations'>['run_id'] } & Pick<Row<'evaluations'>, 'depth' | 'step' | 'value'>>(
      `SELECT DISTINCT ON (e.run_id, e.depth) e.run_id AS "runId", e.depth, e.step, e.value
       FROM evaluations e JOIN unnest($1::uuid[], $9::int[]) AS r(id, partition) ON r.id = e.run_id
       WHERE (e.depth_unit <> 'BLOCK' OR e.partition = r.partition) AND e.kind::text = $2 AND e.metric = $3 AND e.target = $4 AND e.dataset = $5 AND e.split = $6
         AND e.depth_unit::text = $7 AND e.step <= $8
       ORDER BY e.run_id, e.depth, e.step DESC`,
      [ids, metric.kind, metric.key, metric.target, metric.dataset, metric.split, metric.depthUnit, step, runs.map((r) => r.blocks)]);
    for (const row of rows) out.get(row.runId)!.set(row.depth, { value: row.value, step: row.step });
    return out;
  }
  if (metric.dataset === null) return out;
  const { rows } = await app.readPool.query<RowOf<'similarity_matrices', typeof LATEST_MATRIX_FIELDS>>(
    `SELECT DISTINCT ON (m.run_id) ${selectList('similarity_matrices', 'm', LATEST_MATRIX_FIELDS)}
     FROM similarity_matrices m JOIN unnest($1::uuid[], $5::int[]) AS r(id, partition) ON r.id = m.run_id AND r.partition = m.partition
     WHERE m.other_run_id IS NULL AND m.kind::text = $2 AND m.dataset = $3 AND m.step <= $4
     ORDER BY m.run_id, m.step DESC`, [ids, metric.similarity, metric.dataset, step, runs.map((r) => r.blocks)]);
  for (const row of rows) {
    const readings = out.get(row.runId)!;
    const cols = row.colLabels.length;
    for (let r = 0; r < row.rowLabels.length; r++) {
      const k = blockIndex(row.rowLabels[r]!);
      if (k === null) continue;
      const c = row.colLabels.findIndex((label) => blockIndex(label) === k + 1);
      const value = c >= 0 ? row.values[r * cols + c] : undefined;
      if (value !== undefined && Number.isFinite(value)) readings.set(k, { value, step: row.step });
    }
  }
  return out;
}

/** Block number of a matrix label: the suite writes `B3`, older reports `block3`; layers (`L…`) are not blocks. */
function blockIndex(label: string): number | null {
  const match = /^(?:block|B)(\d+)$/.exec(label);
  return match ? Number(match[1]) : null;
}

