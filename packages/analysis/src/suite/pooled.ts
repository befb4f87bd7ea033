/**
 * The suite's analysis of one depth's pooled features [N, D]: probes per target (and OccDrop),
 * retrieval and k-NN, geometry, and the centred Gram kept for CKA. The rows it returns carry no
 * depth; the caller labels them, and reuses the whole result for another depth whose features
 * are the same values (a block boundary is also a layer's output).
 */
import { centredAndCosineGrams, type Matrix } from '../matrix.js';
import { distanceStatisticsFromGrams, normStatistics, spectrumStatistics, uniformityFromCosine } from '../geometry.js';
import { crossValidatedProbe } from '../probe/crossValidated.js';
import type { Fold } from '../probe/folds.js';
import type { LogisticModel } from '../probe/logistic.js';
import { type Neighbours, type RetrievalResult, knnVote, rankedRetrieval } from '../retrieval.js';
import { mean as meanOf, std as stdOf } from '../stats.js';
import { occlusionDrop } from '../tokens.js';
import type { EvaluationOptions, MetricConvention, MetricKind, MetricRow } from './types.js';

export type DepthRow = Omit<MetricRow, 'block' | 'layer'>;

export interface Target {
  readonly name: string;
  readonly y: Int32Array;
  readonly classes: number;
}

export interface PooledContext {
  readonly fn: string;
  /** The depth's label ('B2', 'L5'), for error messages. */
  readonly label: string;
  readonly targets: readonly Target[];
  /** Folds shared by every target and depth; null when probes are off. */
  readonly splits: readonly Fold[] | null;
  readonly options: EvaluationOptions;
  /** Warm start per probe chain ('digit', 'occluded:digit'): the previous depth's fold models. */
  readonly warmStart: (chain: string) => LogisticModel[] | undefined;
  readonly timed: <T>(section: string, work: () => T) => T;
}

export interface PooledAnalysis {
  readonly rows: DepthRow[];
  /** XcXcᵀ, for CKA; null when neither similarity nor geometry is asked for. */
  readonly centred: Float64Array | null;
  /** Fold models per probe chain, to warm-start the next depth. */
  readonly models: Map<string, LogisticModel[]>;
  /** OccDrop per target (empty without occluded features). */
  readonly occlusion: Record<string, { accFull: number; accOccluded: number; drop: number }>;
}

/** Per fold, the share of its test clips whose every target the probes predicted right. */
function overallAccuracy(splits: readonly Fold[], truth: readonly Int32Array[], predictions: readonly Int32Array[]): number[] {
  return splits.map((fold) => {
    let right = 0;
    for (const i of fold.test) if (truth.every((y, t) => (predictions[t] as Int32Array)[i] === y[i])) right++;
    return right / fold.test.length;
  });
}

export function analysePooled(x: Matrix, occluded: Matrix | null, ctx: PooledContext): PooledAnalysis {
  const { fn, targets, splits, options, timed } = ctx;
  const n = x.rows;
  const rows: DepthRow[] = [];
  const row = (kind: MetricKind, metric: string, target: string | null, value: number, convention: MetricConvention, spread?: { std: number; folds: number[] }): void => {
    rows.push({ kind, metric, target, value, std: spread?.std ?? null, folds: spread?.folds ?? null, convention });
  };
  const needsCosine = options.retrievals !== false || options.geometry !== false;
  const needsCentred = options.similarity !== false || options.geometry !== false;
  const grams = needsCosine || needsCentred ? timed('similarity', () => centredAndCosineGrams(x, fn, `${ctx.label} pooled features`)) : null;
  const cosine = needsCosine && grams ? grams.cosine : null;
  const centred = needsCentred && grams ? grams.centred : null;

  // Probes, and OccDrop from probes fitted and tested on the occluded features (same folds).
  const models = new Map<string, LogisticModel[]>();
  const occlusion: PooledAnalysis['occlusion'] = {};
  if (options.probes !== false && splits) {
    timed('probes', () => {
      const probeOptions = options.probe ?? {};
      const means: number[] = [];
      const predictions: Int32Array[] = [];
      const fit = (features: Matrix, y: Int32Array, chain: string) => {
        const initial = ctx.warmStart(chain);
        const result = crossValidatedProbe(features, y, { ...probeOptions, splits, ...(initial ? { initial } : {}) });
        models.set(chain, result.models);
        return result;
      };
      for (const t of targets) {
        const result = fit(x, t.y, t.name);
        row('LINEAR_PROBE', 'accuracy', t.name, result.mean, 'paper-probe', { std: result.std, folds: result.folds });
        means.push(result.mean);
        predictions.push(result.predictions);
        if (occluded) {
          const occ = fit(occluded, t.y, `occluded:${t.name}`);
          if (result.mean > 0) occlusion[t.name] = { accFull: result.mean, accOccluded: occ.mean, drop: occlusionDrop(result.mean, occ.mean) };
        }
      }
      if (targets.length > 1) {
        row('LINEAR_PROBE', 'meanAccuracy', null, meanOf(means), 'paper-probe');
        const overall = overallAccuracy(splits, targets.map((t) => t.y), predictions);
        row('LINEAR_PROBE', 'overallAccuracy', null, meanOf(overall), 'paper-probe', { std: stdOf(overall), folds: overall });
      }
    });
  }

  if (options.retrievals !== false && cosine && targets.length > 0) {
    timed('retrieval', () => {
      const ks = options.retrieval?.ks ?? [1, 5, 10];
      // One ranking per query serves every label family and the k-NN vote.
      const ranked = rankedRetrieval(cosine, targets.map((t) => t.y), ks, options.knn?.k ?? 20, fn);
      const results = ranked.retrieval;
      const neighbours = ranked.neighbours as Neighbours;
      targets.forEach((t, i) => {
        const r = results[i] as RetrievalResult;
        row('KNN_RETRIEVAL', 'mAP', t.name, r.mAP, 'paper-retrieval');
        for (const k of ks) row('KNN_RETRIEVAL', `hit@${k}`, t.name, r.hitRate[k] as number, 'paper-retrieval');
        const predicted = knnVote(neighbours, t.y, options.knn?.temperature ?? 0.07, fn);
        let hits = 0;
        for (let q = 0; q < n; q++) if (predicted[q] === t.y[q]) hits++;
        row('KNN_CLASSIFIER', 'accuracy', t.name, hits / n, 'dino-knn');
      });
      if (targets.length > 1) {
        row('KNN_RETRIEVAL', 'mAP', null, meanOf(results.map((r) => r.mAP)), 'paper-retrieval');
        for (const k of ks) row('KNN_RETRIEVAL', `hit@${k}`, null, meanOf(results.map((r) => r.hitRate[k] as number)), 'paper-retrieval');
      }
    });
  }

  if (options.geometry !== false && cosine && centred) {
    timed('geometry', () => {
      const spectrum = spectrumStatistics(x);
      row('GEOMETRY', 'effectiveRank', null, spectrum.effectiveRank, 'paper-spectrum');
      row('GEOMETRY', 'participationRatio', null, spectrum.participationRatio, 'paper-spectrum');
      row('GEOMETRY', 'isotropyRatio', null, spectrum.isotropyRatio, 'paper-spectrum');
      row('GEOMETRY', 'explainedK90', null, spectrum.explainedK, 'paper-spectrum');
      row('GEOMETRY', 'conditionNumber', null, spectrum.conditionNumber, 'paper-spectrum');
      if (n >= 2) {
        row('GEOMETRY', 'uniformity', null, uniformityFromCosine(cosine, n), 'paper-uniformity');
        const pairs = distanceStatisticsFromGrams(centred, cosine, n);
        row('GEOMETRY', 'meanDistance', null, pairs.meanDistance, 'paper-pairs');
        row('GEOMETRY', 'stdDistance', null, pairs.stdDistance, 'paper-pairs');
        row('GEOMETRY', 'distanceQ05', null, pairs.distanceQuantiles.q05, 'paper-pairs');
        row('GEOMETRY', 'distanceQ50', null, pairs.distanceQuantiles.q50, 'paper-pairs');
        row('GEOMETRY', 'distanceQ95', null, pairs.distanceQuantiles.q95, 'paper-pairs');
        row('GEOMETRY', 'meanCosine', null, pairs.meanCosine, 'paper-pairs');
        row('GEOMETRY', 'stdCosine', null, pairs.stdCosine, 'paper-pairs');
        row('GEOMETRY', 'cosineQ05', null, pairs.cosineQuantiles.q05, 'paper-pairs');
        row('GEOMETRY', 'cosineQ50', null, pairs.cosineQuantiles.q50, 'paper-pairs');
        row('GEOMETRY', 'cosineQ95', null, pairs.cosineQuantiles.q95, 'paper-pairs');
      }
      const norms = normStatistics(x);
      row('GEOMETRY', 'normMean', null, norms.mean, 'paper-norms');
      row('GEOMETRY', 'normStd', null, norms.std, 'paper-norms');
      row('GEOMETRY', 'normMin', null, norms.min, 'paper-norms');
      row('GEOMETRY', 'normMax', null, norms.max, 'paper-norms');
    });
  }

  return { rows, centred, models, occlusion };
}
