// Evaluations as the views use them: grouped into "series" (kind · metric · target · dataset ·
// depth unit) with one value per depth, per checkpoint step. Pure and client-safe.

export interface EvaluationRow {
  step: number;
  kind: string;
  metric: string;
  target: string;
  dataset: string;
  depthUnit: string;
  depth: number;
  value: number;
  std?: number | null;
  ciLow?: number | null;
  ciHigh?: number | null;
}

export interface EvalSeriesKey { kind: string; metric: string; target: string; dataset: string; depthUnit: string }

export function seriesKeyOf(e: EvalSeriesKey): string {
  return `${e.kind}|${e.metric}|${e.target}|${e.dataset}|${e.depthUnit}`;
}

export function parseSeriesKey(key: string): EvalSeriesKey | null {
  const [kind, metric, target, dataset, depthUnit] = key.split('|');
  if (!kind || !metric || !target || !dataset || !depthUnit) return null;
  return { kind, metric, target, dataset, depthUnit };
}

export function describeSeries(e: EvalSeriesKey): string {
  const kind: Record<string, string> = { LINEAR_PROBE: 'probe', KNN_RETRIEVAL: 'retrieval', KNN_ACCURACY: 'k-NN', GEOMETRY: 'geometry', RECONSTRUCTION: 'reconstruction' };
  const family = datasetFamily(e.dataset);
  return `${kind[e.kind] ?? e.kind.toLowerCase()} ${e.metric} · ${e.target} (${e.dataset}${family ? `, ${family}` : ''})`;
}

/**
 * The paper's target family of an evaluation set, from its name (`<dataset>/<split>` as the agent
 * names them): action (real videos), low-level (single gratings), relational (double gratings).
 */
export function datasetFamily(dataset: string): string | null {
  const name = dataset.split('/')[0];
  return name === 'folder' ? 'action' : name === 'gratings' ? 'low-level' : name === 'double-gratings' ? 'relational' : null;
}

/** Rows grouped by evaluation set, in first-seen order. */
export function byDataset<T extends { dataset: string }>(rows: readonly T[]): Array<[string, T[]]> {
  const groups = new Map<string, T[]>();
  for (const r of rows) groups.set(r.dataset, [...(groups.get(r.dataset) ?? []), r]);
  return [...groups.entries()];
}

/** Whether values of this metric live in [0, 1] and read best as percentages. */
export function isFraction(metric: string): boolean {
  return /^(accuracy|acc|top\d+|hit@?\d+|r@\d+|recall@?\d+)$/i.test(metric);
}

export function evaluationSteps(rows: EvaluationRow[]): number[] {
  return [...new Set(rows.map((r) => r.step))].sort((a, b) => a - b);
}

export interface EvalTable {
  key: string;
  series: EvalSeriesKey;
  /** depth → row */
  byDepth: Map<number, EvaluationRow>;
}

/** Rows at one step, grouped per series, each with its values by depth; series sorted by name. */
export function pivot(rows: EvaluationRow[], step: number): { depths: number[]; tables: EvalTable[] } {
  const tables = new Map<string, EvalTable>();
  const depths = new Set<number>();
  for (const r of rows) {
    if (r.step !== step) continue;
    const key = seriesKeyOf(r);
    let t = tables.get(key);
    if (!t) {
      t = { key, series: { kind: r.kind, metric: r.metric, target: r.target, dataset: r.dataset, depthUnit: r.depthUnit }, byDepth: new Map() };
      tables.set(key, t);
    }
    t.byDepth.set(r.depth, r);
    depths.add(r.depth);
  }
  return {
    depths: [...depths].sort((a, b) => a - b),
    tables: [...tables.values()].sort((a, b) => a.key.localeCompare(b.key)),
  };
}

export function depthLabel(unit: string, depth: number): string {
  if (unit === 'MODEL') return 'model';
  return `${unit === 'LAYER' ? 'L' : 'B'}${depth}`;
}
