// The metrics a sweep grid can show, as URL values ↔ the API's MetricSelector. Client-safe.

export const GRID_METRICS = {
  probe: { label: 'Linear-probe accuracy', percent: true, higherIsBetter: true },
  map: { label: 'Retrieval mAP', percent: false, higherIsBetter: true },
  loss: { label: 'Final training loss', percent: false, higherIsBetter: false },
  cka: { label: 'Consecutive-block linear CKA', percent: false, higherIsBetter: null },
} as const;

export type GridMetric = keyof typeof GRID_METRICS;

export interface MetricSelectorVars {
  source: 'TRAINING' | 'EVALUATION' | 'SIMILARITY';
  key?: string;
  kind?: 'LINEAR_PROBE' | 'KNN_RETRIEVAL';
  target?: string;
  similarity?: 'LINEAR_CKA';
  dataset?: string;
}

export function selectorFor(metric: GridMetric, target: string | undefined, dataset?: string): MetricSelectorVars {
  const set = dataset ? { dataset } : {};
  switch (metric) {
    case 'probe': return { source: 'EVALUATION', kind: 'LINEAR_PROBE', key: 'accuracy', ...(target ? { target } : {}), ...set };
    case 'map': return { source: 'EVALUATION', kind: 'KNN_RETRIEVAL', key: 'mAP', ...(target ? { target } : {}), ...set };
    case 'loss': return { source: 'TRAINING', key: 'loss' };
    case 'cka': return { source: 'SIMILARITY', similarity: 'LINEAR_CKA', ...set };
  }
}

/**
 * The evaluation set a grid reads when the runs have several (a folder run is also evaluated on
 * single and double gratings): among the sets holding the metric (and target), the real videos'
 * (`folder/…`, the action family) first, else the first by name.
 */
export function preferredDataset(evaluations: ReadonlyArray<{ kind: string; metric: string; target: string; dataset: string }>, metric: GridMetric, target: string | undefined): string | undefined {
  const kind = metric === 'probe' ? 'LINEAR_PROBE' : metric === 'map' ? 'KNN_RETRIEVAL' : null;
  const sets = [...new Set(evaluations
    .filter((e) => kind === null || (e.kind === kind && e.metric === GRID_EVALUATION_KEYS[kind] && (!target || e.target === target)))
    .map((e) => e.dataset))].sort();
  return sets.find((d) => d.startsWith('folder/')) ?? sets[0];
}

/** The evaluation metric each grid kind reads: targets are offered only where that metric exists
 * (e.g. LINEAR_PROBE also has `meanAccuracy` over target `all`, which the grid does not read). */
export const GRID_EVALUATION_KEYS: Record<string, string> = { LINEAR_PROBE: 'accuracy', KNN_RETRIEVAL: 'mAP' };

/** Targets per evaluation kind, counting only evaluations of the metric the grid reads for that kind. */
export function gridTargets(evaluations: Array<{ kind: string; metric: string; target: string }>): Record<string, string[]> {
  const out: Record<string, Set<string>> = {};
  for (const e of evaluations) {
    const key = GRID_EVALUATION_KEYS[e.kind];
    if (key !== undefined && e.metric !== key) continue;
    (out[e.kind] ??= new Set()).add(e.target);
  }
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].sort()]));
}

/** Axis label of the depth of a metric: blocks, or block pairs for consecutive CKA. */
export function depthName(metric: GridMetric): string {
  return metric === 'cka' ? 'block pair (k, k+1)' : 'block';
}
