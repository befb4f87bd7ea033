// Metric columns of the runs table: any final evaluation metric (kind · metric · target, read at
// the final block of the latest evaluated step) added from the URL (`col`, repeatable) and
// sortable like the factor columns (`sort=col:<id>`). Pure and client-safe.
import { CHANCE_METRIC, datasetFamily, isFraction } from './evaluations';
import { many, type SearchParams } from './params';

export interface MetricColumn { kind: string; metric: string; target: string }

export interface EvaluationValueRow { kind: string; metric: string; target: string; dataset: string; depthUnit: string; depth: number; step: number; value: number }

const KINDS = ['LINEAR_PROBE', 'KNN_RETRIEVAL', 'KNN_ACCURACY', 'GEOMETRY', 'RECONSTRUCTION'] as const;
export type ColumnKind = (typeof KINDS)[number];

/** "LINEAR_PROBE:accuracy:digit": the column's id in the URL. */
export function columnId(c: MetricColumn): string {
  return `${c.kind}:${c.metric}:${c.target}`;
}

export function parseColumn(id: string): MetricColumn | null {
  const [kind, metric, target, ...rest] = id.split(':');
  if (rest.length || !kind || !metric || !target || !(KINDS as readonly string[]).includes(kind)) return null;
  return { kind, metric, target };
}

/** The `col` parameters as columns (in order, without repeats) and the ones that are not columns. */
export function columnsFromParams(params: SearchParams): { columns: MetricColumn[]; problems: string[] } {
  const columns: MetricColumn[] = [];
  const problems: string[] = [];
  for (const raw of many(params, 'col')) {
    const c = parseColumn(raw);
    if (!c) problems.push(`col: "${raw}" is not KIND:metric:target with KIND one of ${KINDS.join(', ')}`);
    else if (!columns.some((x) => columnId(x) === raw)) columns.push(c);
  }
  return { columns, problems };
}

export function columnLabel(c: MetricColumn): string {
  const kind: Record<string, string> = { LINEAR_PROBE: 'probe', KNN_RETRIEVAL: 'retrieval', KNN_ACCURACY: 'k-NN', GEOMETRY: 'geometry', RECONSTRUCTION: 'recon' };
  return `${kind[c.kind] ?? c.kind} ${c.metric}${c.target === 'all' || c.target === 'masked' ? '' : ` · ${c.target}`}`;
}

/**
 * A run's final value of a column: its latest evaluated step, deepest block; where the run has
 * several evaluation sets, the real videos' (action family) first, else the first by name.
 */
export function finalValue(rows: readonly EvaluationValueRow[], c: MetricColumn): number | null {
  const mine = rows.filter((r) => r.kind === c.kind && r.metric === c.metric && r.target === c.target && r.depthUnit === 'BLOCK' && Number.isFinite(r.value));
  if (mine.length === 0) return null;
  const sets = [...new Set(mine.map((r) => r.dataset))].sort();
  const dataset = sets.find((d) => datasetFamily(d) === 'action') ?? sets[0]!;
  const inSet = mine.filter((r) => r.dataset === dataset);
  const step = Math.max(...inSet.map((r) => r.step));
  const atStep = inSet.filter((r) => r.step === step);
  return atStep.reduce((best, r) => (r.depth > best.depth ? r : best)).value;
}

/** The columns a set of evaluations offers (chance levels left out), sorted by label. */
export function columnOptions(rows: ReadonlyArray<{ kind: string; metric: string; target: string }>): MetricColumn[] {
  const seen = new Map<string, MetricColumn>();
  for (const r of rows) {
    if (r.metric === CHANCE_METRIC || !(KINDS as readonly string[]).includes(r.kind)) continue;
    const c = { kind: r.kind, metric: r.metric, target: r.target };
    seen.set(columnId(c), c);
  }
  return [...seen.values()].sort((a, b) => columnLabel(a).localeCompare(columnLabel(b)));
}

export function isPercentColumn(c: MetricColumn): boolean {
  return isFraction(c.metric);
}

/** Sorts rows by a metric column; runs without a value go last in either direction. */
export function sortByColumn<T extends { metrics: Record<string, number | null>; createdAt: string }>(rows: readonly T[], id: string, dir: 'asc' | 'desc'): T[] {
  return [...rows].sort((a, b) => {
    const x = a.metrics[id] ?? null;
    const y = b.metrics[id] ?? null;
    if (x === null || y === null) return x === y ? b.createdAt.localeCompare(a.createdAt) : x === null ? 1 : -1;
    return (dir === 'asc' ? x - y : y - x) || b.createdAt.localeCompare(a.createdAt);
  });
}
