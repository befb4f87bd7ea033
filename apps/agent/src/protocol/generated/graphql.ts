/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** ONLINE claims work; DRAINING finishes what it holds; OFFLINE left cleanly; LOST stopped heartbeating. */
export type AgentStatus =
  | 'DRAINING'
  | 'LOST'
  | 'OFFLINE'
  | 'ONLINE';

/** What an agent offers when claiming: matched against job.requirements { backends, labels, gpu, devices }. */
export type CapabilitiesInput = {
  /** Loadable backends in preference order. */
  backends?: Array<string>;
  /** Free devices (a list); requirements.devices is a minimum count. */
  devices?: unknown;
  /** A GPU is available (requirements.gpu = true needs it). */
  gpu?: boolean;
  /** Labels (flat object) that must include every requirements.labels entry. */
  labels?: unknown;
};

/** Where in the network a measurement was taken: whole MODEL, encoder BLOCK or LAYER. */
export type DepthUnit =
  | 'BLOCK'
  | 'LAYER'
  | 'MODEL';

/** Where training became non-finite (sent with failJob): the run FAILS as diverged, never retried. */
export type DivergenceInput = {
  /** The 1-based block whose loss it was; null = the whole model (E2E). */
  block?: number | null | undefined;
  /** "loss" or "gradient norm". */
  quantity: string;
  /** The global step whose loss (or gradient norm) was non-finite. */
  step: number;
  /** "NaN", "Infinity" or "-Infinity" (JSON carries no non-finite numbers). */
  value: string;
};

/** One evaluation result; re-reporting the same (step, kind, metric, target, dataset, split, depthUnit, depth, partition) replaces it. */
export type EvaluationInput = {
  ciHigh?: number | null | undefined;
  ciLow?: number | null | undefined;
  dataset: string;
  depth?: number;
  depthUnit?: DepthUnit;
  /** Per-fold values of a cross-validated estimate. */
  folds?: Array<number>;
  kind: EvaluationKind;
  /** What was computed: accuracy, mAP, hit@1, effective_rank, … */
  metric: string;
  /** Sample count behind the value. */
  n?: number | null | undefined;
  /** K of the partition whose block boundaries a BLOCK depth counts; one of the run's partitions (default: the run's K). */
  partition?: number | null | undefined;
  split?: string;
  std?: number | null | undefined;
  step: number;
  /** Label family or task: digit, direction, orientation, … */
  target: string;
  value: number;
};

/** Which evaluation produced a value. */
export type EvaluationKind =
  | 'GEOMETRY'
  | 'KNN_ACCURACY'
  | 'KNN_RETRIEVAL'
  | 'LINEAR_PROBE'
  | 'RECONSTRUCTION';

/** TRAIN trains one run; COMPARE measures a pair of runs. */
export type JobKind =
  | 'COMPARE'
  | 'TRAIN';

/** Where a job is in the queue. */
export type JobStatus =
  | 'CANCELLED'
  | 'FAILED'
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED';

/** Metric points as parallel lists (one entry per point). Preferred for large batches. */
export type MetricColumnsInput = {
  /** Encoder block per point; null (or the list omitted) = whole model. */
  blocks?: Array<number | null | undefined> | null | undefined;
  /** Metric key per point, e.g. "loss/train". */
  keys: Array<string>;
  /** Training step per point (≥ 0). */
  steps: Array<number>;
  /** Value per point; must be finite (NaN/±Infinity arrive as null and are refused). */
  values: Array<number | null | undefined>;
  /** Wall-clock time per point in milliseconds since the Unix epoch. */
  wallTimes?: Array<number | null | undefined> | null | undefined;
};

/** Patch-level diagnostics of one block; re-reporting the same (step, dataset, block, partition) replaces them. */
export type PatchDiagnosticInput = {
  attentionDistance?: number | null | undefined;
  attentionDistanceSpatial?: number | null | undefined;
  attentionDistanceTemporal?: number | null | undefined;
  /** 0 = whole model / input, 1..K = encoder blocks. */
  block: number;
  dataset: string;
  effectiveRank?: number | null | undefined;
  isotropy?: number | null | undefined;
  occDrop?: number | null | undefined;
  participationRatio?: number | null | undefined;
  /** K of the partition whose block boundaries block counts; one of the run's partitions (default: the run's K). */
  partition?: number | null | undefined;
  /** Mean reconstruction error per token position, row-major over reconstructionGrid. */
  reconstructionError?: Array<number>;
  /** The (t, h, w) token grid of reconstructionError. */
  reconstructionGrid?: Array<number>;
  step: number;
  tokenCosine?: number | null | undefined;
  tokenNormMax?: number | null | undefined;
  tokenNormMean?: number | null | undefined;
  tokenNormStd?: number | null | undefined;
  uniformity?: number | null | undefined;
};

/** A similarity matrix (rows × cols, row-major). Re-reporting the same (otherRun, kind, step, dataset, partition) replaces it. */
export type SimilarityInput = {
  colLabels: Array<string>;
  dataset: string;
  kind: SimilarityKind;
  /** For cross-run matrices (COMPARE jobs): the job's other run; columns come from it. */
  otherRunId?: string | number | null | undefined;
  /** K of the partition whose block boundaries the block labels (B1…BK) counts; one of the run's partitions (default: the run's K). */
  partition?: number | null | undefined;
  rowLabels: Array<string>;
  step: number;
  /** rowLabels.length × colLabels.length values, row-major; all finite. */
  values: Array<number>;
};

/** The similarity index of a matrix. */
export type SimilarityKind =
  | 'DEBIASED_CKA'
  | 'LINEAR_CKA'
  | 'RBF_CKA';

export type TransitionFragment = { jobId: string, status: JobStatus, runStatus: string | null, attempts: number, lastError: string | null };

export type CheckpointFragment = { step: number, sha256: string, uri: string, bytes: number };

export type RegisterAgentMutationVariables = Exact<{
  name: string;
  host: string;
  devices?: unknown;
  backends: Array<string> | string;
  labels?: unknown;
  version?: string | null | undefined;
}>;


export type RegisterAgentMutation = { registerAgent: { id: string } };

export type SetAgentStatusMutationVariables = Exact<{
  agentId: string | number;
  status: AgentStatus;
}>;


export type SetAgentStatusMutation = { setAgentStatus: { id: string } };

export type ClaimJobMutationVariables = Exact<{
  agentId: string | number;
  capabilities?: CapabilitiesInput | null | undefined;
}>;


export type ClaimJobMutation = { claimJob: { jobId: string, runId: string, runName: string, projectId: string, kind: JobKind, otherRunId: string | null, fencingToken: string, leaseExpiresAt: string, attempt: number, maxAttempts: number, config: unknown, requirements: unknown, backend: string | null, latestCheckpoint: { step: number, sha256: string, uri: string, bytes: number } | null, otherCheckpoint: { step: number, sha256: string, uri: string, bytes: number } | null } | null };

export type HeartbeatMutationVariables = Exact<{
  jobId: string | number;
  fencingToken: string;
  progress?: unknown;
  backend?: string | null | undefined;
}>;


export type HeartbeatMutation = { heartbeat: { leaseExpiresAt: string, cancelRequested: boolean } };

export type LogMetricsMutationVariables = Exact<{
  jobId: string | number;
  fencingToken: string;
  batchId: string;
  columns?: MetricColumnsInput | null | undefined;
}>;


export type LogMetricsMutation = { logMetrics: { accepted: number, duplicates: number } };

export type CompleteJobMutationVariables = Exact<{
  jobId: string | number;
  fencingToken: string;
  summary?: unknown;
}>;


export type CompleteJobMutation = { completeJob: { jobId: string, status: JobStatus, runStatus: string | null, attempts: number, lastError: string | null } };

export type FailJobMutationVariables = Exact<{
  jobId: string | number;
  fencingToken: string;
  error: string;
  retryable: boolean;
  divergence?: DivergenceInput | null | undefined;
}>;


export type FailJobMutation = { failJob: { jobId: string, status: JobStatus, runStatus: string | null, attempts: number, lastError: string | null } };

export type ReleaseJobMutationVariables = Exact<{
  jobId: string | number;
  fencingToken: string;
}>;


export type ReleaseJobMutation = { releaseJob: { jobId: string, status: JobStatus, runStatus: string | null, attempts: number, lastError: string | null } };

export type RegisterCheckpointMutationVariables = Exact<{
  jobId: string | number;
  fencingToken: string;
  step: number;
  sha256: string;
  bytes: number;
  uri?: string | null | undefined;
}>;


export type RegisterCheckpointMutation = { registerCheckpoint: { step: number, sha256: string, uri: string, bytes: number } };

export type ReportEvaluationMutationVariables = Exact<{
  jobId: string | number;
  fencingToken: string;
  evaluations: Array<EvaluationInput> | EvaluationInput;
}>;


export type ReportEvaluationMutation = { reportEvaluation: { stored: number } };

export type ReportSimilarityMutationVariables = Exact<{
  jobId: string | number;
  fencingToken: string;
  matrix: SimilarityInput;
}>;


export type ReportSimilarityMutation = { reportSimilarity: { stored: number } };

export type ReportPatchDiagnosticsMutationVariables = Exact<{
  jobId: string | number;
  fencingToken: string;
  diagnostics: Array<PatchDiagnosticInput> | PatchDiagnosticInput;
}>;


export type ReportPatchDiagnosticsMutation = { reportPatchDiagnostics: { stored: number } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const TransitionFragmentDoc = new TypedDocumentString(`
    fragment Transition on JobTransition {
  jobId
  status
  runStatus
  attempts
  lastError
}
    `, {"fragmentName":"Transition"}) as unknown as TypedDocumentString<TransitionFragment, unknown>;
export const CheckpointFragmentDoc = new TypedDocumentString(`
    fragment Checkpoint on CheckpointRef {
  step
  sha256
  uri
  bytes
}
    `, {"fragmentName":"Checkpoint"}) as unknown as TypedDocumentString<CheckpointFragment, unknown>;
export const RegisterAgentDocument = new TypedDocumentString(`
    mutation RegisterAgent($name: String!, $host: String!, $devices: JSON, $backends: [String!]!, $labels: JSON, $version: String) {
  registerAgent(
    name: $name
    host: $host
    devices: $devices
    backends: $backends
    labels: $labels
    version: $version
  ) {
    id
  }
}
    `) as unknown as TypedDocumentString<RegisterAgentMutation, RegisterAgentMutationVariables>;
export const SetAgentStatusDocument = new TypedDocumentString(`
    mutation SetAgentStatus($agentId: ID!, $status: AgentStatus!) {
  setAgentStatus(agentId: $agentId, status: $status) {
    id
  }
}
    `) as unknown as TypedDocumentString<SetAgentStatusMutation, SetAgentStatusMutationVariables>;
export const ClaimJobDocument = new TypedDocumentString(`
    mutation ClaimJob($agentId: ID!, $capabilities: CapabilitiesInput) {
  claimJob(agentId: $agentId, capabilities: $capabilities) {
    jobId
    runId
    runName
    projectId
    kind
    otherRunId
    fencingToken
    leaseExpiresAt
    attempt
    maxAttempts
    config
    requirements
    backend
    latestCheckpoint {
      ...Checkpoint
    }
    otherCheckpoint {
      ...Checkpoint
    }
  }
}
    fragment Checkpoint on CheckpointRef {
  step
  sha256
  uri
  bytes
}`) as unknown as TypedDocumentString<ClaimJobMutation, ClaimJobMutationVariables>;
export const HeartbeatDocument = new TypedDocumentString(`
    mutation Heartbeat($jobId: ID!, $fencingToken: String!, $progress: JSON, $backend: String) {
  heartbeat(
    jobId: $jobId
    fencingToken: $fencingToken
    progress: $progress
    backend: $backend
  ) {
    leaseExpiresAt
    cancelRequested
  }
}
    `) as unknown as TypedDocumentString<HeartbeatMutation, HeartbeatMutationVariables>;
export const LogMetricsDocument = new TypedDocumentString(`
    mutation LogMetrics($jobId: ID!, $fencingToken: String!, $batchId: String!, $columns: MetricColumnsInput) {
  logMetrics(
    jobId: $jobId
    fencingToken: $fencingToken
    batchId: $batchId
    columns: $columns
  ) {
    accepted
    duplicates
  }
}
    `) as unknown as TypedDocumentString<LogMetricsMutation, LogMetricsMutationVariables>;
export const CompleteJobDocument = new TypedDocumentString(`
    mutation CompleteJob($jobId: ID!, $fencingToken: String!, $summary: JSON) {
  completeJob(jobId: $jobId, fencingToken: $fencingToken, summary: $summary) {
    ...Transition
  }
}
    fragment Transition on JobTransition {
  jobId
  status
  runStatus
  attempts
  lastError
}`) as unknown as TypedDocumentString<CompleteJobMutation, CompleteJobMutationVariables>;
export const FailJobDocument = new TypedDocumentString(`
    mutation FailJob($jobId: ID!, $fencingToken: String!, $error: String!, $retryable: Boolean!, $divergence: DivergenceInput) {
  failJob(
    jobId: $jobId
    fencingToken: $fencingToken
    error: $error
    retryable: $retryable
    divergence: $divergence
  ) {
    ...Transition
  }
}
    fragment Transition on JobTransition {
  jobId
  status
  runStatus
  attempts
  lastError
}`) as unknown as TypedDocumentString<FailJobMutation, FailJobMutationVariables>;
export const ReleaseJobDocument = new TypedDocumentString(`
    mutation ReleaseJob($jobId: ID!, $fencingToken: String!) {
  releaseJob(jobId: $jobId, fencingToken: $fencingToken) {
    ...Transition
  }
}
    fragment Transition on JobTransition {
  jobId
  status
  runStatus
  attempts
  lastError
}`) as unknown as TypedDocumentString<ReleaseJobMutation, ReleaseJobMutationVariables>;
export const RegisterCheckpointDocument = new TypedDocumentString(`
    mutation RegisterCheckpoint($jobId: ID!, $fencingToken: String!, $step: Int!, $sha256: String!, $bytes: Float!, $uri: String) {
  registerCheckpoint(
    jobId: $jobId
    fencingToken: $fencingToken
    step: $step
    sha256: $sha256
    bytes: $bytes
    uri: $uri
  ) {
    ...Checkpoint
  }
}
    fragment Checkpoint on CheckpointRef {
  step
  sha256
  uri
  bytes
}`) as unknown as TypedDocumentString<RegisterCheckpointMutation, RegisterCheckpointMutationVariables>;
export const ReportEvaluationDocument = new TypedDocumentString(`
    mutation ReportEvaluation($jobId: ID!, $fencingToken: String!, $evaluations: [EvaluationInput!]!) {
  reportEvaluation(
    jobId: $jobId
    fencingToken: $fencingToken
    evaluations: $evaluations
  ) {
    stored
  }
}
    `) as unknown as TypedDocumentString<ReportEvaluationMutation, ReportEvaluationMutationVariables>;
export const ReportSimilarityDocument = new TypedDocumentString(`
    mutation ReportSimilarity($jobId: ID!, $fencingToken: String!, $matrix: SimilarityInput!) {
  reportSimilarity(jobId: $jobId, fencingToken: $fencingToken, matrix: $matrix) {
    stored
  }
}
    `) as unknown as TypedDocumentString<ReportSimilarityMutation, ReportSimilarityMutationVariables>;
export const ReportPatchDiagnosticsDocument = new TypedDocumentString(`
    mutation ReportPatchDiagnostics($jobId: ID!, $fencingToken: String!, $diagnostics: [PatchDiagnosticInput!]!) {
  reportPatchDiagnostics(
    jobId: $jobId
    fencingToken: $fencingToken
    diagnostics: $diagnostics
  ) {
    stored
  }
}
    `) as unknown as TypedDocumentString<ReportPatchDiagnosticsMutation, ReportPatchDiagnosticsMutationVariables>;