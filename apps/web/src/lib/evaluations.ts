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
  return /^(accuracy|meanAccuracy|overallAccuracy|accuracy_chance|acc|top\d+|hit@?\d+|r@\d+|recall@?\d+)$/i.test(metric);
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

/** The metric the agent reports beside a probe's `accuracy`: chance = 1 / the target's classes. */
export const CHANCE_METRIC = 'accuracy_chance';

/** A horizontal reference line on a depth profile (chance level, trivial baseline). */
export interface ReferenceLine { label: string; value: number }

/**
 * Chance levels of the probed targets at one step (optionally one target), one line per distinct
 * value: "chance 10.0% (digit, 1/10)". Targets with the same chance share a line.
 */
export function chanceLevels(rows: readonly EvaluationRow[], step: number | null, target?: string): ReferenceLine[] {
  const byValue = new Map<number, Set<string>>();
  for (const r of rows) {
    if (r.metric !== CHANCE_METRIC || (step !== null && r.step !== step) || (target !== undefined && r.target !== target)) continue;
    if (!(r.value > 0 && r.value <= 1)) continue;
    const value = Math.round(r.value * 1e9) / 1e9;
    byValue.set(value, (byValue.get(value) ?? new Set()).add(r.target));
  }
  return [...byValue.entries()].sort((a, b) => a[0] - b[0]).map(([value, targets]) => ({
    value,
    label: `chance ${(value * 100).toFixed(1)}% (${[...targets].sort().join(', ')}, 1/${Math.round(1 / value)})`,
  }));
}

/** The depth profile's families: one chart each, picked with a selector. */
export const PROFILE_FAMILIES = {
  probe: { label: 'Probes', kinds: ['LINEAR_PROBE', 'KNN_ACCURACY'] },
  retrieval: { label: 'Retrieval', kinds: ['KNN_RETRIEVAL'] },
  geometry: { label: 'Geometry', kinds: ['GEOMETRY'] },
} as const;
export type ProfileFamily = keyof typeof PROFILE_FAMILIES;

/** The family of an evaluation row (null for kinds no depth profile shows, e.g. reconstruction, and for chance rows). */
export function profileFamily(row: { kind: string; metric: string }): ProfileFamily | null {
  if (row.metric === CHANCE_METRIC) return null;
  for (const [family, { kinds }] of Object.entries(PROFILE_FAMILIES)) if ((kinds as readonly string[]).includes(row.kind)) return family as ProfileFamily;
  return null;
}
