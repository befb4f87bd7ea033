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
}

export function selectorFor(metric: GridMetric, target: string | undefined): MetricSelectorVars {
  switch (metric) {
    case 'probe': return { source: 'EVALUATION', kind: 'LINEAR_PROBE', key: 'accuracy', ...(target ? { target } : {}) };
    case 'map': return { source: 'EVALUATION', kind: 'KNN_RETRIEVAL', key: 'mAP', ...(target ? { target } : {}) };
    case 'loss': return { source: 'TRAINING', key: 'loss' };
    case 'cka': return { source: 'SIMILARITY', similarity: 'LINEAR_CKA' };
  }
}

/** Axis label of the depth of a metric: blocks, or block pairs for consecutive CKA. */
export function depthName(metric: GridMetric): string {
  return metric === 'cka' ? 'block pair (k, k+1)' : 'block';
}
