// The analysis report mapped onto the protocol's reportEvaluation / reportSimilarity /
// reportPatchDiagnostics inputs (pure).
import type { SuiteResults, MetricRow } from '@stratum/analysis';
import type { EvaluationKind } from '../protocol/generated/graphql.js';
import type { EvaluationValue, PatchDiagnosticValue, SimilarityValue } from './messages.js';

export interface EvaluationResult {
  evaluations: EvaluationValue[];
  similarities: SimilarityValue[];
  patchDiagnostics: PatchDiagnosticValue[];
  timingsMs: Record<string, number>;
}

/** The report rows' kinds as the API names them. */
const KIND: Record<MetricRow['kind'], EvaluationKind> = {
  LINEAR_PROBE: 'LINEAR_PROBE',
  KNN_RETRIEVAL: 'KNN_RETRIEVAL',
  KNN_CLASSIFIER: 'KNN_ACCURACY',
  GEOMETRY: 'GEOMETRY',
  // Consecutive-depth CKA is a property of the representation at this depth (vs the next):
  // stored with the geometry rows, under its own metric name (the full matrices are reported too).
  CONSECUTIVE_CKA: 'GEOMETRY',
};

function finite(value: number | null | undefined): number | null {
  return value === null || value === undefined || !Number.isFinite(value) ? null : value;
}

/** Tags every row with the partition (K) its block depths count; LAYER rows keep it too (the run's K). */
export function atPartition(result: Omit<EvaluationResult, 'timingsMs'>, partition: number): Omit<EvaluationResult, 'timingsMs'> {
  return {
    evaluations: result.evaluations.map((e) => ({ ...e, partition })),
    similarities: result.similarities.map((m) => ({ ...m, partition })),
    patchDiagnostics: result.patchDiagnostics.map((d) => ({ ...d, partition })),
  };
}

/** Maps the analysis report onto the protocol's inputs (pure; tested). */
export function reportRows(report: SuiteResults, dataset: string, reconstruction: Array<{ block: number; meanError: number; trivialError?: number; error: Float32Array | number[]; grid: [number, number, number] }>): Omit<EvaluationResult, 'timingsMs'> {
  const evaluations: EvaluationValue[] = [];
  for (const row of report.metrics) {
    const value = finite(row.value);
    if (value === null) continue;
    evaluations.push({
      kind: KIND[row.kind],
      metric: row.kind === 'CONSECUTIVE_CKA' ? `cka_next_${row.metric}` : row.metric,
      target: row.target ?? 'all',
      dataset,
      depthUnit: row.layer === null ? 'BLOCK' : 'LAYER',
      depth: row.layer ?? row.block,
      value,
      std: finite(row.std),
      folds: (row.folds ?? []).filter((f) => Number.isFinite(f)),
      n: report.samples,
    });
    // The probe's chance level beside it (1 / the target's classes on this evaluation set), so
    // that charts can draw what "nothing learned" reads as.
    const classes = row.kind === 'LINEAR_PROBE' && row.metric === 'accuracy' ? report.targets.find((t) => t.name === row.target)?.classes : undefined;
    if (classes !== undefined && classes >= 2) {
      evaluations.push({ kind: 'LINEAR_PROBE', metric: 'accuracy_chance', target: row.target!, dataset, depthUnit: row.layer === null ? 'BLOCK' : 'LAYER', depth: row.layer ?? row.block, value: 1 / classes, folds: [], n: report.samples });
    }
  }
  // Mean attention distance per depth (block boundaries and, with layers, every layer).
  for (const p of report.patches) {
    for (const [metric, value] of [['attentionDistanceSpatial', p.attentionDistance?.spatial], ['attentionDistanceTemporal', p.attentionDistance?.temporal]] as const) {
      const v = finite(value);
      if (v !== null) evaluations.push({ kind: 'GEOMETRY', metric, target: 'all', dataset, depthUnit: p.layer === null ? 'BLOCK' : 'LAYER', depth: p.layer ?? p.block, value: v, folds: [], n: report.samples });
    }
  }
  for (const r of reconstruction) {
    const value = finite(r.meanError);
    if (value !== null) evaluations.push({ kind: 'RECONSTRUCTION', metric: 'mse', target: 'masked', dataset, depthUnit: 'BLOCK', depth: r.block, value, folds: [], n: report.samples });
    // The held-out loss's trivial reference: the same masks, every masked patch predicted as its own mean.
    const trivial = finite(r.trivialError ?? Number.NaN);
    if (trivial !== null) evaluations.push({ kind: 'RECONSTRUCTION', metric: 'mse_trivial', target: 'masked', dataset, depthUnit: 'BLOCK', depth: r.block, value: trivial, folds: [], n: report.samples });
  }
  // Block-scope matrices only: the API keeps one matrix per (kind, step, dataset).
  const similarities: SimilarityValue[] = report.similarity
    .filter((m) => m.scope === 'BLOCK' && m.values.every((row) => row.every((v) => Number.isFinite(v))))
    .map((m) => ({ kind: m.kind, dataset, rowLabels: m.labels, colLabels: m.labels, values: m.values.flat() }));
  const geometry = (block: number, metric: string) => finite(report.metrics.find((r) => r.kind === 'GEOMETRY' && r.layer === null && r.block === block && r.metric === metric)?.value);
  const patchDiagnostics: PatchDiagnosticValue[] = report.patches
    .filter((p) => p.layer === null)
    .map((p) => {
      const drops = p.occlusion ? Object.values(p.occlusion).map((o) => o.drop).filter((d) => Number.isFinite(d)) : [];
      const recon = reconstruction.find((r) => r.block === p.block);
      const reconValues = recon ? Array.from(recon.error) : [];
      const reconOk = reconValues.length > 0 && reconValues.every((v) => Number.isFinite(v));
      return {
        dataset,
        block: p.block,
        tokenCosine: finite(p.tokenCosine?.mean),
        occDrop: drops.length ? drops.reduce((a, b) => a + b, 0) / drops.length : null,
        effectiveRank: finite(p.tokenEffectiveRank),
        participationRatio: finite(p.tokenParticipationRatio),
        isotropy: geometry(p.block, 'isotropyRatio'),
        uniformity: geometry(p.block, 'uniformity'),
        tokenNormMean: finite(p.tokenNorm?.mean),
        tokenNormStd: finite(p.tokenNorm?.std),
        tokenNormMax: finite(p.tokenNorm?.max),
        // The overall distance is not defined apart from its spatial (pixels) and temporal (frames) parts.
        attentionDistance: null,
        attentionDistanceSpatial: finite(p.attentionDistance?.spatial),
        attentionDistanceTemporal: finite(p.attentionDistance?.temporal),
        reconstructionError: reconOk ? reconValues : [],
        reconstructionGrid: reconOk && recon ? recon.grid : [],
      };
    });
  return { evaluations, similarities, patchDiagnostics };
}
