/**
 * The evaluation suite's input, options and results (see evaluate.ts for what it computes). The
 * results are flat and JSON-serialisable (no typed arrays): `metrics` rows map one-to-one onto
 * stored evaluation rows {kind, metric, target, block, layer, value, std, folds}; `similarity`
 * onto similarity matrices; `patches` onto patch diagnostics. Every metric row names the
 * convention it follows (`convention`, a key of `METRIC_CONVENTIONS`: the paper's released
 * evaluation code unless stated otherwise).
 */
import type { AttentionDistance, AttentionLike, GridShape } from '../attention.js';
import type { CKAKind } from '../cka.js';
import type { NormStatistics } from '../geometry.js';
import type { Labels } from '../labels.js';
import type { MatrixLike } from '../matrix.js';
import type { TokensLike } from '../tokens.js';

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
  /** Name of the evaluation set, copied into the results. */
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

export interface SimilarityMatrixResult {
  readonly kind: SimilarityKind;
  /** Block boundaries or individual layers. */
  readonly scope: 'BLOCK' | 'LAYER';
  /** Row/column labels: 'B1', 'B2', … or 'L1', 'L2', …. */
  readonly labels: string[];
  readonly blocks: number[];
  readonly layers: (number | null)[];
  readonly values: number[][];
}

export interface PatchDiagnosticsResult {
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

export interface SuiteResults {
  readonly dataset: string | null;
  readonly samples: number;
  readonly depths: { readonly block: number; readonly layer: number | null; readonly label: string; readonly dims: number }[];
  readonly targets: { readonly name: string; readonly classes: number }[];
  readonly metrics: MetricRow[];
  readonly similarity: SimilarityMatrixResult[];
  readonly patches: PatchDiagnosticsResult[];
  /** Wall time per section, for budgeting the suite against training time. */
  readonly timingsMs: Record<string, number>;
}
