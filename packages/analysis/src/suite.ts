/**
 * The evaluation suite the agent runs at checkpoints and at the end of a run: pure over
 * features already extracted (masking off) from a fixed evaluation set.
 *
 * For every depth (block boundary, and layer when given), on its pooled features [N, D]:
 *   - linear probe accuracy per label family (k-fold CV on one set of folds stratified on the
 *     first target and shared by all targets, mean ± std and per fold), and with several
 *     targets their mean and the overall accuracy (every target right);
 *   - cosine retrieval mAP and hit@k, and weighted k-NN accuracy per label family, and with
 *     several targets retrieval averaged over them (target null);
 *   - geometry: the covariance spectrum's effective rank, participation ratio, isotropy,
 *     explained-k@90% and condition number; uniformity; norm statistics; mean, std and 5/50/95%
 *     quantiles of the pairwise cosines and distances;
 * across depths (blocks and layers separately): linear, debiased and RBF CKA matrices and the
 * consecutive-depth values; and, where token features / attention / occluded features /
 * reconstruction errors are given, patch diagnostics per depth.
 *
 * OccDrop: a probe is fitted and tested on the occluded features on the same folds, and
 * compared with the full-feature probe: (Acc_full − Acc_occluded) / Acc_full.
 *
 * The report is flat and JSON-serialisable (no typed arrays): `metrics` rows map one-to-one onto
 * stored evaluation rows {kind, metric, target, block, layer, value, std, folds}; `similarity`
 * onto similarity matrices; `patches` onto patch diagnostics. Every metric row names the
 * convention it follows (`convention`, a key of `METRIC_CONVENTIONS`: the paper's released
 * evaluation code unless stated otherwise).
 */
import { type AttentionLike, type AttentionDistance, type GridShape, meanAttentionDistance } from './attention.js';
import { type CKAKind, ckaMatricesFromCentredGrams } from './cka.js';
import { AnalysisError } from './errors.js';
import {
  type NormStatistics,
  distanceStatisticsFromGrams,
  normStatistics,
  spectrumOfRows,
  spectrumStatistics,
  summariseSpectrum,
  uniformityFromCosine,
} from './geometry.js';
import { type Labels, toLabels } from './labels.js';
import { type Matrix, type MatrixLike, centerColumns, gram, normalizeRows, toMatrix } from './matrix.js';
import { crossValidatedProbe } from './probe/crossValidated.js';
import { type Fold, stratifiedFolds } from './probe/folds.js';
import type { LogisticModel } from './probe/logistic.js';
import { type RetrievalResult, knnVote, nearestNeighbours, retrievalForFamilies } from './retrieval.js';
import { mean as meanOf, std as stdOf } from './stats.js';
import { type TokensLike, occlusionDrop, tokenCosineOf, tokenNormsOf, tokenView } from './tokens.js';

/** The features of one depth of the encoder for every clip of the evaluation set. */
export interface DepthInput {
  /** 1-based block; for a layer, the block that contains it. */
  readonly block: number;
  /** 1-based encoder layer for per-layer features; absent or null for a block boundary. */
  readonly layer?: number | null;
  /** Mean-pooled tokens [N clips, D]. */
  readonly pooled: MatrixLike;
  /** Token features [clips, tokens, D] of some (or all) clips, for token cosine / norms / token geometry. */
  readonly tokens?: TokensLike;
  /** Pooled features [N, D] of the same clips with all but one patch occluded (OccDrop). */
  readonly occludedPooled?: MatrixLike;
  /** Attention probabilities [heads, N, N] of the depth's last layer (may be averaged over clips). */
  readonly attention?: AttentionLike;
  /** This block's decoder reconstruction error per token position [tokens] (e.g. averaged over clips). */
  readonly reconstructionError?: ArrayLike<number>;
}

export interface EvaluationInput {
  /** Name of the evaluation set, copied into the report. */
  readonly dataset?: string;
  readonly depths: readonly DepthInput[];
  /** Label families: target name → one integer label per clip (e.g. digit, direction, speed). */
  readonly labels: Readonly<Record<string, Labels>>;
  /** Token grid (t, h, w) and tubelet size (frames, pixels, pixels): needed for attention distances. */
  readonly grid?: GridShape;
  readonly patchSize?: GridShape;
}

export interface EvaluationOptions {
  readonly probe?: { readonly C?: number; readonly folds?: number; readonly seed?: number; readonly tolerance?: number };
  readonly retrieval?: { readonly ks?: readonly number[] };
  readonly knn?: { readonly k?: number; readonly temperature?: number };
  readonly cka?: { readonly kinds?: readonly CKAKind[]; readonly threshold?: number };
  /** Only these label families (default: all). */
  readonly targets?: readonly string[];
  /** Skip parts of the suite (all on by default). */
  readonly probes?: boolean;
  readonly retrievals?: boolean;
  readonly geometry?: boolean;
  readonly similarity?: boolean;
  readonly patches?: boolean;
}

export type MetricKind = 'LINEAR_PROBE' | 'KNN_RETRIEVAL' | 'KNN_CLASSIFIER' | 'CONSECUTIVE_CKA' | 'GEOMETRY';

/**
 * How each metric family is computed, by the `convention` key its rows carry. "paper" = as the
 * paper's released evaluation code (JosRor/BWSSL-for-Video-ViTs, evaluation/*.py) defines it.
 */
export const METRIC_CONVENTIONS = {
  'paper-probe':
    "paper: features standardised on the training part, L2 logistic regression (C = 1, multinomial, scikit-learn's LogisticRegression); k-fold CV (default 3) on folds stratified on the first target and shared by all targets; accuracy = mean over folds; overallAccuracy = per fold the share of test clips with every target right, mean over folds",
  'paper-probe-train-test':
    "paper: the same probe fitted on train-split features and scored on a held-out share of the test split (default 30% per class, centre crop), repeated (default 3) with fresh training crops and test subsets; accuracy = mean over repeats (folds = the repeats)",
  'paper-retrieval':
    "paper: cosine similarity, leave-one-out; AP = scikit-learn's average_precision_score over the other clips (tied scores form one threshold); mAP = mean AP over queries with at least one relevant clip; hit@k = share of all queries with a relevant clip among the k most similar (no relevant clip = miss); target null = mean over the targets",
  'dino-knn': 'not in the paper: weighted k-NN (k = 20, weight exp(cos/0.07), DINO), leave-one-out accuracy',
  'paper-spectrum':
    'paper: λ = the min(N, D) eigenvalues of the sample covariance (squared singular values of the centred features / (N − 1)); effectiveRank = exp(−Σ p log max(p, 1e-12)), p = λ/Σλ; participationRatio = (Σλ)²/Σλ²; isotropyRatio = max λ / mean λ; explainedK90 = smallest k with λ_1 + … + λ_k ≥ 0.9 Σλ; conditionNumber = max λ / max(min λ, 1e-12)',
  'paper-pairs':
    'paper: over all ordered pairs i ≠ j (the released code samples 20,000 of them): mean, population std and numpy linear 5/50/95% quantiles of the cosine similarity and of the Euclidean distance',
  'paper-uniformity': 'paper: log mean_{i≠j} exp(−2‖u_i − u_j‖²) over the L2-normalised features (all pairs; the released code samples 20,000)',
  'paper-norms': 'paper: mean, population std, min and max of the L2 norms of the pooled features',
  'paper-linear-cka': 'paper: linear CKA ‖YcᵀXc‖²_F / (‖XcᵀXc‖_F ‖YcᵀYc‖_F) between consecutive depths',
  'paper-rbf-cka': 'paper: RBF CKA, K = exp(−d²/(2σ²)), σ = median of the off-diagonal pairwise distances (each representation its own σ), biased HSIC',
  'debiased-cka': 'not in the paper: linear CKA on the unbiased HSIC estimator (Song et al. 2012; Nguyen et al. 2021)',
} as const;

export type MetricConvention = keyof typeof METRIC_CONVENTIONS;

/** One scalar result. */
export interface MetricRow {
  readonly kind: MetricKind;
  /**
   * LINEAR_PROBE: 'accuracy' (per target), 'meanAccuracy' (mean over targets, target null) or
   * 'overallAccuracy' (every target right, target null);
   * KNN_RETRIEVAL: 'mAP' or 'hit@k' (per target, and with several targets their mean, target null);
   * KNN_CLASSIFIER: 'accuracy';
   * CONSECUTIVE_CKA: 'linear' | 'debiased' | 'rbf' between this depth and the next (target null);
   * GEOMETRY (target null): 'effectiveRank' | 'participationRatio' | 'isotropyRatio' |
   * 'explainedK90' | 'conditionNumber' | 'uniformity' | 'normMean' | 'normStd' | 'normMin' |
   * 'normMax' | 'meanDistance' | 'stdDistance' | 'distanceQ05' | 'distanceQ50' | 'distanceQ95' |
   * 'meanCosine' | 'stdCosine' | 'cosineQ05' | 'cosineQ50' | 'cosineQ95'.
   */
  readonly metric: string;
  readonly target: string | null;
  readonly block: number;
  readonly layer: number | null;
  readonly value: number;
  /** Spread over folds (population std) for probes, else null. */
  readonly std: number | null;
  /** Per-fold values for probes, else null. */
  readonly folds: number[] | null;
  /** How it was computed: a key of `METRIC_CONVENTIONS`. */
  readonly convention: MetricConvention;
}

export type SimilarityKind = 'LINEAR_CKA' | 'DEBIASED_CKA' | 'RBF_CKA';

export interface SimilarityMatrixReport {
  readonly kind: SimilarityKind;
  /** Block boundaries or individual layers. */
  readonly scope: 'BLOCK' | 'LAYER';
  /** Row/column labels: 'B1', 'B2', … or 'L1', 'L2', …. */
  readonly labels: string[];
  readonly blocks: number[];
  readonly layers: (number | null)[];
  readonly values: number[][];
}

export interface PatchDiagnosticsReport {
  readonly block: number;
  readonly layer: number | null;
  /** Mean over clips of the mean pairwise cosine of standardised tokens, and its std over clips. */
  readonly tokenCosine: { readonly mean: number; readonly std: number; readonly clips: number } | null;
  readonly tokenNorm: NormStatistics | null;
  /** Effective rank and participation ratio of all tokens of the given clips as one point cloud. */
  readonly tokenEffectiveRank: number | null;
  readonly tokenParticipationRatio: number | null;
  readonly attentionDistance: AttentionDistance | null;
  /** OccDrop per target: (Acc_full − Acc_occluded) / Acc_full, each probe fitted and tested on its own features (same folds). */
  readonly occlusion: Record<string, { readonly accFull: number; readonly accOccluded: number; readonly drop: number }> | null;
  /** Reconstruction error per token position, in (t, h, w) order. */
  readonly reconstructionError: { readonly grid: GridShape | null; readonly values: number[] } | null;
}

export interface EvaluationReport {
  readonly dataset: string | null;
  readonly samples: number;
  readonly depths: { readonly block: number; readonly layer: number | null; readonly label: string; readonly dims: number }[];
  readonly targets: { readonly name: string; readonly classes: number }[];
  readonly metrics: MetricRow[];
  readonly similarity: SimilarityMatrixReport[];
  readonly patches: PatchDiagnosticsReport[];
  /** Wall time per section, for budgeting the suite against training time. */
  readonly timingsMs: Record<string, number>;
}

const KIND_NAMES: Record<CKAKind, SimilarityKind> = { linear: 'LINEAR_CKA', debiased: 'DEBIASED_CKA', rbf: 'RBF_CKA' };
const CKA_CONVENTIONS: Record<CKAKind, MetricConvention> = { linear: 'paper-linear-cka', debiased: 'debiased-cka', rbf: 'paper-rbf-cka' };

/** Per fold, the share of its test clips whose every target the probes predicted right. */
function overallAccuracy(splits: readonly Fold[], truth: readonly Int32Array[], predictions: readonly Int32Array[]): number[] {
  return splits.map((fold) => {
    let right = 0;
    for (const i of fold.test) if (truth.every((y, t) => (predictions[t] as Int32Array)[i] === y[i])) right++;
    return right / fold.test.length;
  });
}

function depthLabel(block: number, layer: number | null): string {
  return layer === null ? `B${block}` : `L${layer}`;
}

/** Runs the evaluation suite (see the file comment). Throws an `AnalysisError` for inconsistent input. */
export function evaluateRepresentations(input: EvaluationInput, options: EvaluationOptions = {}): EvaluationReport {
  const fn = 'evaluateRepresentations';
  const timings: Record<string, number> = { probes: 0, retrieval: 0, geometry: 0, similarity: 0, patches: 0 };
  const timed = <T>(section: string, work: () => T): T => {
    const start = performance.now();
    try {
      return work();
    } finally {
      timings[section] = (timings[section] as number) + performance.now() - start;
    }
  };

  if (input.depths.length === 0) throw new AnalysisError(fn, 'no depths to evaluate');
  const depths = input.depths.map((d, i) => {
    if (!Number.isInteger(d.block) || d.block < 1) throw new AnalysisError(fn, `depths[${i}].block must be a positive integer, got ${d.block}`);
    const layer = d.layer ?? null;
    if (layer !== null && (!Number.isInteger(layer) || layer < 1)) throw new AnalysisError(fn, `depths[${i}].layer must be a positive integer, got ${layer}`);
    return { input: d, block: d.block, layer, x: toMatrix(d.pooled, fn, `depths[${i}].pooled`) };
  });
  const n = (depths[0] as { x: Matrix }).x.rows;
  depths.forEach((d, i) => {
    if (d.x.rows !== n) throw new AnalysisError(fn, `depths[${i}].pooled has ${d.x.rows} clips, depths[0] has ${n}`);
  });
  const seen = new Set<string>();
  for (const d of depths) {
    const label = depthLabel(d.block, d.layer);
    if (seen.has(label)) throw new AnalysisError(fn, `depth ${label} is given twice`);
    seen.add(label);
  }
  const targetNames = options.targets ?? Object.keys(input.labels);
  const targets = targetNames.map((name) => {
    const raw = input.labels[name];
    if (!raw) throw new AnalysisError(fn, `unknown target '${name}'`);
    const y = toLabels(raw, fn, `labels.${name}`);
    if (y.length !== n) throw new AnalysisError(fn, `labels.${name} has ${y.length} labels for ${n} clips`);
    const classes = new Set(y).size;
    if (classes < 2) throw new AnalysisError(fn, `labels.${name} has a single class, so it cannot be probed`);
    return { name, y, classes };
  });

  const metrics: MetricRow[] = [];
  const patches: PatchDiagnosticsReport[] = [];
  const centredGrams: Float64Array[] = [];
  const probeOptions = options.probe ?? {};
  const ks = options.retrieval?.ks ?? [1, 5, 10];
  // Warm starts: the same target's fold models at the previous depth of the same scope.
  const previousModels = new Map<string, LogisticModel[]>();

  // One set of folds for every target and depth, stratified on the first target (the paper's
  // MultiOutputClassifier protocol), so that "every target right" is defined per test clip.
  const splits: readonly Fold[] | null =
    options.probes !== false && targets.length > 0 ? stratifiedFolds((targets[0] as { y: Int32Array }).y, { folds: probeOptions.folds ?? 3, seed: probeOptions.seed ?? 0 }) : null;

  for (const d of depths) {
    const { block, layer, x } = d;
    const row = (kind: MetricKind, metric: string, target: string | null, value: number, convention: MetricConvention, spread?: { std: number; folds: number[] }): void => {
      metrics.push({ kind, metric, target, block, layer, value, std: spread?.std ?? null, folds: spread?.folds ?? null, convention });
    };
    const needsCosine = options.retrievals !== false || options.geometry !== false;
    const cosine = needsCosine ? timed('geometry', () => gram(normalizeRows(x, fn, `${depthLabel(block, layer)} pooled features`)).data) : null;
    const centred = options.similarity !== false || options.geometry !== false ? timed('similarity', () => gram(centerColumns(x)).data) : null;
    if (centred) centredGrams.push(centred);

    // Probes, and OccDrop from probes fitted and tested on the occluded features (same folds).
    const occlusion: Record<string, { accFull: number; accOccluded: number; drop: number }> = {};
    if (options.probes !== false && splits) {
      const occluded = d.input.occludedPooled;
      timed('probes', () => {
        const means: number[] = [];
        const predictions: Int32Array[] = [];
        for (const t of targets) {
          const scope = layer === null ? 'B' : 'L';
          const fit = (features: MatrixLike, chainKey: string) => {
            const result = crossValidatedProbe(features, t.y, {
              ...probeOptions,
              splits,
              ...(previousModels.has(chainKey) ? { initial: previousModels.get(chainKey) } : {}),
            });
            previousModels.set(chainKey, result.models);
            return result;
          };
          const result = fit(x, `${scope}:${t.name}`);
          row('LINEAR_PROBE', 'accuracy', t.name, result.mean, 'paper-probe', { std: result.std, folds: result.folds });
          means.push(result.mean);
          predictions.push(result.predictions);
          if (occluded) {
            const occ = fit(occluded, `${scope}:occluded:${t.name}`);
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
        // One sort per query and one neighbour search serve every label family.
        const results = retrievalForFamilies(cosine, targets.map((t) => t.y), ks, fn);
        const neighbours = nearestNeighbours(cosine, n, n, options.knn?.k ?? 20, true, fn);
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

    if (options.patches !== false) {
      const report = timed('patches', () => patchDiagnostics(d.input, block, layer, occlusion, input.grid, input.patchSize, fn));
      if (report) patches.push(report);
    }
  }

  const similarity: SimilarityMatrixReport[] = [];
  if (options.similarity !== false) {
    timed('similarity', () => {
      for (const scope of ['BLOCK', 'LAYER'] as const) {
        const members = depths.map((d, i) => ({ d, gram: centredGrams[i] as Float64Array })).filter(({ d }) => (d.layer === null) === (scope === 'BLOCK'));
        if (members.length < 2) continue;
        const results = ckaMatricesFromCentredGrams(
          members.map((m) => m.gram),
          n,
          { ...(options.cka?.kinds ? { kinds: options.cka.kinds } : {}), ...(options.cka?.threshold !== undefined ? { threshold: options.cka.threshold } : {}) },
        );
        for (const result of results) {
          similarity.push({
            kind: KIND_NAMES[result.kind],
            scope,
            labels: members.map(({ d }) => depthLabel(d.block, d.layer)),
            blocks: members.map(({ d }) => d.block),
            layers: members.map(({ d }) => d.layer),
            values: result.values,
          });
          for (let i = 0; i + 1 < members.length; i++) {
            const { d } = members[i] as { d: { block: number; layer: number | null } };
            metrics.push({
              kind: 'CONSECUTIVE_CKA',
              metric: result.kind,
              target: null,
              block: d.block,
              layer: d.layer,
              value: (result.values[i] as number[])[i + 1] as number,
              std: null,
              folds: null,
              convention: CKA_CONVENTIONS[result.kind],
            });
          }
        }
      }
    });
  }

  return {
    dataset: input.dataset ?? null,
    samples: n,
    depths: depths.map((d) => ({ block: d.block, layer: d.layer, label: depthLabel(d.block, d.layer), dims: d.x.cols })),
    targets: targets.map((t) => ({ name: t.name, classes: t.classes })),
    metrics,
    similarity,
    patches,
    timingsMs: timings,
  };
}

function patchDiagnostics(
  d: DepthInput,
  block: number,
  layer: number | null,
  occlusion: PatchDiagnosticsReport['occlusion'],
  grid: GridShape | undefined,
  patchSize: GridShape | undefined,
  fn: string,
): PatchDiagnosticsReport | null {
  const hasOcclusion = occlusion !== null && Object.keys(occlusion).length > 0;
  if (!d.tokens && !d.attention && !d.reconstructionError && !hasOcclusion) return null;
  let tokenCosine: PatchDiagnosticsReport['tokenCosine'] = null;
  let tokenNorm: NormStatistics | null = null;
  let tokenEffectiveRank: number | null = null;
  let tokenParticipationRatio: number | null = null;
  if (d.tokens) {
    const view = tokenView(d.tokens, fn);
    const cos = tokenCosineOf(view, fn);
    tokenCosine = { mean: cos.mean, std: stdOf(cos.perClip), clips: cos.perClip.length };
    tokenNorm = tokenNormsOf(view);
    const spectrum = summariseSpectrum(spectrumOfRows(view.all(), view.clips * view.tokens, view.dim, true, fn), fn);
    tokenEffectiveRank = spectrum.effectiveRank;
    tokenParticipationRatio = spectrum.participationRatio;
  }
  let attentionDistance: AttentionDistance | null = null;
  if (d.attention) {
    if (!grid || !patchSize) throw new AnalysisError(fn, 'attention distances need input.grid and input.patchSize');
    attentionDistance = meanAttentionDistance(d.attention, grid, patchSize);
  }
  let reconstructionError: PatchDiagnosticsReport['reconstructionError'] = null;
  if (d.reconstructionError) {
    const values = Array.from(d.reconstructionError);
    values.forEach((v, i) => {
      if (!Number.isFinite(v)) throw new AnalysisError(fn, `reconstructionError[${i}] of ${depthLabel(block, layer)} is ${v}`);
    });
    if (grid && values.length !== grid.t * grid.h * grid.w) {
      throw new AnalysisError(fn, `reconstructionError has ${values.length} positions, the grid has ${grid.t * grid.h * grid.w}`);
    }
    reconstructionError = { grid: grid ?? null, values };
  }
  return {
    block,
    layer,
    tokenCosine,
    tokenNorm,
    tokenEffectiveRank,
    tokenParticipationRatio,
    attentionDistance,
    occlusion: hasOcclusion ? occlusion : null,
    reconstructionError,
  };
}
