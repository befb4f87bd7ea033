/**
 * @stratum/analysis — the numerics behind Stratum's evaluations: CKA, linear probes, retrieval,
 * geometry and patch diagnostics, and the evaluation suite. Pure TypeScript over Float64Array,
 * no I/O. Matrices are `number[][]` with rows = samples, or dense `Matrix` values.
 */
export { AnalysisError } from './errors.js';
export {
  type Matrix,
  type Float32Matrix,
  type MatrixLike,
  matrix,
  toMatrix,
  toArrays,
  columnMeans,
  centerColumns,
  transpose,
  matmul,
  dotRows,
  gram,
  crossProduct,
  frobeniusInner,
  frobeniusNorm,
  rowNorms,
  normalizeRows,
  selectRows,
  cholesky,
  inverseSPD,
} from './matrix.js';
export { type SymmetricEigen, type SymmetricEigenOptions, symmetricEigen, symmetricEigenvalues } from './eigen.js';
export { mean, std, median } from './stats.js';
export { type Random, seededRandom } from '@stratum/stats';
export { type Labels } from './labels.js';
export {
  type CKAKind,
  type RBFOptions,
  type CKAMatrixOptions,
  type CKAMatrixResult,
  linearCKA,
  debiasedCKA,
  rbfCKA,
  minibatchCKA,
  MinibatchCKA,
  ckaMatrix,
  ckaMatrices,
  ckaCrossMatrices,
} from './cka.js';
export {
  type SpectrumOptions,
  type SpectrumStatistics,
  type UniformityOptions,
  type NormStatistics,
  type DistanceStatistics,
  type Quantiles,
  SPECTRUM_EPS,
  covarianceEigenvalues,
  spectrumStatistics,
  effectiveRank,
  participationRatio,
  isotropyRatio,
  uniformity,
  normStatistics,
  distanceStatistics,
} from './geometry.js';
export {
  type TokenBatch,
  type TokensLike,
  type TokenCosineResult,
  TOKEN_STANDARDISE_EPS,
  meanTokenCosine,
  meanTokenCosineBatch,
  tokenNormStatistics,
  occlusionDrop,
} from './tokens.js';
export { type AttentionTensor, type AttentionLike, type GridShape, type AttentionDistance, meanAttentionDistance } from './attention.js';
export {
  type RetrievalOptions,
  type RetrievalResult,
  type KnnOptions,
  retrieval,
  knnAccuracy,
  knnPredict,
} from './retrieval.js';
export { type LbfgsOptions, type LbfgsResult, type LbfgsStop, type Objective, type Preconditioner, minimizeLbfgs } from './probe/lbfgs.js';
export {
  type LabelledFeatures,
  type LogisticOptions,
  type LogisticModel,
  type LogisticFit,
  type LogisticProbeResult,
  logisticProbe,
  fitLogistic,
  predictLogistic,
  accuracy,
} from './probe/logistic.js';
export { type FoldOptions, type Fold, stratifiedFolds, stratifiedFoldAssignment } from './probe/folds.js';
export {
  type CrossValidationOptions,
  type CrossValidationResult,
  type FoldResult,
  type AccuracySummary,
  crossValidatedProbe,
} from './probe/crossValidated.js';
export {
  type DepthInput,
  type EvaluationInput,
  type EvaluationOptions,
  type SuiteResults,
  type MetricKind,
  type MetricRow,
  type SimilarityKind,
  type SimilarityMatrixResult,
  type PatchDiagnosticsResult,
  type MetricConvention,
  METRIC_CONVENTIONS,
} from './suite/types.js';
export { evaluateRepresentations } from './suite/evaluate.js';
export { evaluateRepresentationsInParallel } from './suite/parallel.js';
