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

/** Config field equality: the value at a dotted path of the run config, e.g. { path: "optimizer.lr", equals: 0.001 }. */
export type ConfigFieldFilter = {
  /** JSON value the field must equal (numbers compare numerically); null matches a JSON null or a missing field. */
  equals?: unknown;
  /** Dotted path; array elements by index ("model.tubelet.0"). */
  path: string;
};

/** Where in the network a measurement was taken: whole MODEL, encoder BLOCK or LAYER. */
export type DepthUnit =
  | 'BLOCK'
  | 'LAYER'
  | 'MODEL';

/** Which evaluation produced a value. */
export type EvaluationKind =
  | 'GEOMETRY'
  | 'KNN_ACCURACY'
  | 'KNN_RETRIEVAL'
  | 'LINEAR_PROBE'
  | 'RECONSTRUCTION';

/** One cell of a sweep: its runs are the seeds. */
export type GridCellInput = {
  /** K. */
  blocks: number;
  mode: RunMode;
  modelSize: string;
  sweepId: string | number;
};

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

/**
 * What to read per run. TRAINING uses key (default "loss"); EVALUATION uses kind, key as the
 * evaluation metric (default: accuracy for probes, mAP for retrieval, mse for reconstruction), target,
 * dataset, split and depthUnit (default BLOCK) — target, dataset and split may be left out when the runs
 * have only one; SIMILARITY uses similarity (default LINEAR_CKA) and dataset.
 */
export type MetricSelector = {
  dataset?: string | null | undefined;
  depthUnit?: DepthUnit | null | undefined;
  key?: string | null | undefined;
  kind?: EvaluationKind | null | undefined;
  similarity?: SimilarityKind | null | undefined;
  source: MetricSource;
  split?: string | null | undefined;
  target?: string | null | undefined;
};

/** TRAINING: a logged metric (the last point at or before the step). EVALUATION: an evaluation result. SIMILARITY: an entry of a within-run similarity matrix between consecutive blocks (k, k+1). */
export type MetricSource =
  | 'EVALUATION'
  | 'SIMILARITY'
  | 'TRAINING';

/** Every given condition must hold; list conditions match any of their values. */
export type RunFilter = {
  /** K values: runs evaluated at any of them (a sweep's E2E run counts under every K of its sweep). */
  blocks?: Array<number> | null | undefined;
  /** Run config fields that must equal the given JSON values. */
  config?: Array<ConfigFieldFilter> | null | undefined;
  /** Runs whose id starts with these hex digits (case-insensitive), for short ids typed by people. */
  idPrefix?: string | null | undefined;
  ids?: Array<string | number> | null | undefined;
  mode?: Array<RunMode> | null | undefined;
  modelSize?: Array<string> | null | undefined;
  /** Case-insensitive substring of the run name. */
  nameContains?: string | null | undefined;
  /** Project name. */
  project?: string | null | undefined;
  projectId?: string | number | null | undefined;
  seed?: Array<number> | null | undefined;
  status?: Array<RunStatus> | null | undefined;
  sweepId?: string | number | null | undefined;
  /** Runs carrying all of these tags. */
  tags?: Array<string> | null | undefined;
};

/** E2E: one decoder on the last block, gradients through all layers. BLOCKWISE_SIMULTANEOUS: a decoder per block, stop-gradient at every boundary, all blocks in one step. BLOCKWISE_SEQUENTIAL: block k trained after blocks < k, which stay frozen. */
export type RunMode =
  | 'BLOCKWISE_SEQUENTIAL'
  | 'BLOCKWISE_SIMULTANEOUS'
  | 'E2E';

export type RunOrder = {
  direction?: SortDirection;
  field?: RunOrderField;
};

/** STARTED_AT / FINISHED_AT sort runs that have not started / finished as the earliest. */
export type RunOrderField =
  | 'CREATED_AT'
  | 'FINISHED_AT'
  | 'NAME'
  | 'SEED'
  | 'STARTED_AT'
  | 'UPDATED_AT';

/** Where a run is: QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED. */
export type RunStatus =
  | 'CANCELLED'
  | 'FAILED'
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCEEDED';

/** The similarity index of a matrix. */
export type SimilarityKind =
  | 'DEBIASED_CKA'
  | 'LINEAR_CKA'
  | 'RBF_CKA';

export type SortDirection =
  | 'ASC'
  | 'DESC';

/** FAIL: the candidate is worse by more than the allowed drop and the worsening is significant (the 95% Welch interval of the difference excludes zero). PASS otherwise. INSUFFICIENT_DATA: fewer than two values on a side. */
export type Verdict =
  | 'FAIL'
  | 'INSUFFICIENT_DATA'
  | 'PASS';

export type CancelRunMutationVariables = Exact<{
  id: string | number;
}>;


export type CancelRunMutation = { cancelRun: { id: string, status: RunStatus } };

export type RetryRunMutationVariables = Exact<{
  id: string | number;
}>;


export type RetryRunMutation = { retryRun: { id: string, status: RunStatus } };

export type AgentsOverviewQueryVariables = Exact<{ [key: string]: never; }>;


export type AgentsOverviewQuery = { agents: Array<{ id: string, name: string, host: string, devices: unknown, backends: Array<string>, version: string | null, status: AgentStatus, lastHeartbeatAt: string, currentJobs: Array<{ jobId: string, runId: string, runName: string, progress: unknown, leaseExpiresAt: string | null }> }> };

export type QueueListingQueryVariables = Exact<{
  status?: Array<JobStatus> | JobStatus | null | undefined;
  first: number;
  offset: number;
}>;


export type QueueListingQuery = { queue: Array<{ position: number, jobId: string, runId: string, runName: string, runStatus: string, sweepId: string | null, kind: JobKind, status: JobStatus, priority: number, attempts: number, maxAttempts: number, notBefore: string, runnable: boolean, leaseOwnerName: string | null, leaseExpiresAt: string | null, cancelRequested: boolean, lastError: string | null, progress: unknown, createdAt: string }> };

export type CellRunsQueryVariables = Exact<{
  filter: RunFilter;
}>;


export type CellRunsQuery = { cellRuns: { nodes: Array<{ id: string, name: string, seed: number, status: RunStatus, config: unknown, sweep: { name: string } | null, evaluations: Array<{ kind: EvaluationKind, metric: string, target: string }> }> } };

export type DepthProfileQueryVariables = Exact<{
  runIds?: Array<string | number> | string | number | null | undefined;
  cell?: GridCellInput | null | undefined;
  metric: MetricSelector;
  partition?: number | null | undefined;
}>;


export type DepthProfileQuery = { depthProfile: { runIds: Array<string>, metric: { source: MetricSource, key: string, kind: EvaluationKind | null, target: string | null, dataset: string | null, split: string | null, depthUnit: DepthUnit | null, similarity: SimilarityKind | null }, points: Array<{ depth: number, n: number, mean: number | null, std: number | null, ciLow: number | null, ciHigh: number | null }> } };

export type ProjectsQueryVariables = Exact<{ [key: string]: never; }>;


export type ProjectsQuery = { projects: Array<{ id: string, name: string, description: string | null, runCount: number, createdAt: string, sweeps: Array<{ id: string }> }> };

export type RecentSweepsQueryVariables = Exact<{
  first: number;
  project?: string | null | undefined;
}>;


export type RecentSweepsQuery = { sweeps: Array<{ id: string, name: string, projectId: string, createdAt: string, specHash: string, project: { id: string, name: string }, factors: { modelSizes: Array<string>, blocks: Array<number>, modes: Array<RunMode>, seeds: Array<number> }, statusCounts: { total: number, queued: number, running: number, succeeded: number, failed: number, cancelled: number } }> };

export type ProjectByNameQueryVariables = Exact<{
  name: string;
}>;


export type ProjectByNameQuery = { project: { id: string } | null };

export type BaselinesQueryVariables = Exact<{
  project: string;
}>;


export type BaselinesQuery = { baselines: Array<{ id: string, name: string, createdAt: string, updatedAt: string, runIds: Array<string>, sweep: { id: string, name: string } | null, checks: Array<{ id: string, createdAt: string, passed: boolean, failed: number, insufficient: number, verdicts: Array<{ verdict: Verdict }> }> }> };

export type RegressionChecksQueryVariables = Exact<{
  project: string;
  baseline: string;
  first: number;
}>;


export type RegressionChecksQuery = { regressionChecks: Array<{ id: string, createdAt: string, baselineName: string, candidate: unknown, passed: boolean, failed: number, insufficient: number, verdicts: Array<{ ruleIndex: number, rule: string, verdict: Verdict, message: string, block: number | null, baselineMean: number | null, baselineStd: number | null, baselineN: number, candidateMean: number | null, candidateStd: number | null, candidateN: number, delta: number | null, ciLow: number | null, ciHigh: number | null, drop: number | null, allowedDrop: number | null, cell: { modelSize: string, blocks: number, mode: RunMode } | null, metric: { source: MetricSource, key: string, kind: EvaluationKind | null, target: string | null } }> }> };

export type RunDetailQueryVariables = Exact<{
  id: string | number;
}>;


export type RunDetailQuery = { run: { agentId: string | null, updatedAt: string, notes: string | null, config: unknown, id: string, name: string, projectId: string, sweepId: string | null, mode: RunMode, modelSize: string, blocks: number, partitions: Array<number>, seed: number, dataset: string, status: RunStatus, backend: string | null, agentName: string | null, tags: Array<string>, createdAt: string, startedAt: string | null, finishedAt: string | null, durationSeconds: number | null, error: string | null, divergence: { step: number, block: number | null, quantity: string, value: string } | null, evaluations: Array<{ std: number | null, ciLow: number | null, ciHigh: number | null, kind: EvaluationKind, metric: string, target: string, dataset: string, depthUnit: DepthUnit, depth: number, step: number, value: number }>, project: { id: string, name: string }, sweep: { id: string, name: string } | null, checkpoints: Array<{ step: number, sha256: string, bytes: number, uri: string, createdAt: string }>, jobs: Array<{ id: string, status: JobStatus, attempts: number, maxAttempts: number, progress: unknown, lastError: string | null, cancelRequested: boolean, leaseExpiresAt: string | null, notBefore: string, createdAt: string }> } | null };

export type RunsPageQueryVariables = Exact<{
  filter?: RunFilter | null | undefined;
  orderBy?: RunOrder | null | undefined;
  first: number;
  after?: string | null | undefined;
  withCount: boolean;
  withMetrics: boolean;
  metricKinds?: Array<EvaluationKind> | EvaluationKind | null | undefined;
  metrics?: Array<string> | string | null | undefined;
  metricTargets?: Array<string> | string | null | undefined;
}>;


export type RunsPageQuery = { runs: { totalCount?: number, pageInfo: { endCursor: string | null, hasNextPage: boolean }, nodes: Array<{ id: string, name: string, status: RunStatus, mode: RunMode, modelSize: string, blocks: number, seed: number, dataset: string, tags: Array<string>, sweepId: string | null, createdAt: string, startedAt: string | null, finishedAt: string | null, sweep: { name: string } | null, evaluations?: Array<{ kind: EvaluationKind, metric: string, target: string, dataset: string, depthUnit: DepthUnit, depth: number, step: number, value: number }> }> } };

export type RunsColumnOptionsQueryVariables = Exact<{
  filter?: RunFilter | null | undefined;
}>;


export type RunsColumnOptionsQuery = { runs: { nodes: Array<{ evaluations: Array<{ kind: EvaluationKind, metric: string, target: string }> }> } };

export type MetricSeriesQueryVariables = Exact<{
  runIds: Array<string | number> | string | number;
  keys: Array<string> | string;
  blocks?: Array<number | null | undefined> | number | null | undefined;
  fromStep?: number | null | undefined;
  toStep?: number | null | undefined;
  maxPoints: number;
}>;


export type MetricSeriesQuery = { metricSeries: Array<{ mins: number[] | null, maxs: number[] | null, runId: string, key: string, block: number | null, downsampled: boolean, pointCount: number, steps: number[], values: number[] }> };

export type MetricKeysQueryVariables = Exact<{
  runIds: Array<string | number> | string | number;
}>;


export type MetricKeysQuery = { metricKeys: Array<{ runId: string, key: string, block: number | null, firstStep: number, lastStep: number, lastValue: number }> };

export type SimilarityQueryVariables = Exact<{
  runId: string | number;
  kind: SimilarityKind;
  step?: number | null | undefined;
  otherRunId?: string | number | null | undefined;
  partition?: number | null | undefined;
}>;


export type SimilarityQuery = { similarity: { values: Array<number>, runId: string, otherRunId: string | null, kind: SimilarityKind, step: number, steps: Array<number>, dataset: string, rowLabels: Array<string>, colLabels: Array<string> } | null };

export type PatchDiagnosticsQueryVariables = Exact<{
  runId: string | number;
  step?: number | null | undefined;
}>;


export type PatchDiagnosticsQuery = { patchDiagnostics: Array<{ step: number, dataset: string, block: number, tokenCosine: number | null, occDrop: number | null, effectiveRank: number | null, participationRatio: number | null, isotropy: number | null, uniformity: number | null, tokenNormMean: number | null, attentionDistance: number | null, attentionDistanceSpatial: number | null, attentionDistanceTemporal: number | null, reconstructionError: Array<number>, reconstructionGrid: Array<number> }> };

export type SweepHeaderQueryVariables = Exact<{
  id: string | number;
}>;


export type SweepHeaderQuery = { sweep: { id: string, name: string, projectId: string, createdAt: string, specHash: string, project: { id: string, name: string }, factors: { modelSizes: Array<string>, blocks: Array<number>, modes: Array<RunMode>, seeds: Array<number> }, statusCounts: { total: number, queued: number, running: number, succeeded: number, failed: number, cancelled: number } } | null };

export type SweepTargetsQueryVariables = Exact<{
  sweepId: string | number;
}>;


export type SweepTargetsQuery = { runs: { nodes: Array<{ evaluations: Array<{ kind: EvaluationKind, metric: string, target: string, dataset: string }> }> } };

export type SweepGridQueryVariables = Exact<{
  sweepId: string | number;
  metric: MetricSelector;
  block?: number | null | undefined;
  at?: number | null | undefined;
}>;


export type SweepGridQuery = { sweepGrid: { block: number | null, at: number | null, modelSizes: Array<string>, blocks: Array<number>, modes: Array<RunMode>, seeds: Array<number>, metric: { source: MetricSource, key: string, kind: EvaluationKind | null, target: string | null, dataset: string | null, split: string | null, depthUnit: DepthUnit | null, similarity: SimilarityKind | null }, cells: Array<{ modelSize: string, blocks: number, mode: RunMode, n: number, mean: number | null, std: number | null, ciLow: number | null, ciHigh: number | null, runs: number, missing: number, queued: number, running: number, failed: number, cancelled: number, values: Array<{ runId: string, seed: number, status: RunStatus, value: number | null, step: number | null, depth: number | null }> }> } };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { role: string, label: string } };

export type RunSummaryFragment = { id: string, name: string, projectId: string, sweepId: string | null, mode: RunMode, modelSize: string, blocks: number, partitions: Array<number>, seed: number, dataset: string, status: RunStatus, backend: string | null, agentName: string | null, tags: Array<string>, createdAt: string, startedAt: string | null, finishedAt: string | null, durationSeconds: number | null, error: string | null };

export type RunRecordFragment = { notes: string | null, config: unknown, id: string, name: string, projectId: string, sweepId: string | null, mode: RunMode, modelSize: string, blocks: number, partitions: Array<number>, seed: number, dataset: string, status: RunStatus, backend: string | null, agentName: string | null, tags: Array<string>, createdAt: string, startedAt: string | null, finishedAt: string | null, durationSeconds: number | null, error: string | null, project: { id: string, name: string }, sweep: { id: string, name: string } | null, checkpoints: Array<{ step: number, sha256: string, bytes: number, uri: string, createdAt: string }>, jobs: Array<{ id: string, status: JobStatus, attempts: number, maxAttempts: number, progress: unknown, lastError: string | null, cancelRequested: boolean, leaseExpiresAt: string | null, notBefore: string, createdAt: string }> };

export type SweepSummaryFragment = { id: string, name: string, projectId: string, createdAt: string, specHash: string, project: { id: string, name: string }, factors: { modelSizes: Array<string>, blocks: Array<number>, modes: Array<RunMode>, seeds: Array<number> }, statusCounts: { total: number, queued: number, running: number, succeeded: number, failed: number, cancelled: number } };

export type EvaluationValueFragment = { kind: EvaluationKind, metric: string, target: string, dataset: string, depthUnit: DepthUnit, depth: number, step: number, value: number };

export type CheckpointSummaryFragment = { step: number, sha256: string, bytes: number, uri: string, createdAt: string };

export type JobAttemptSummaryFragment = { id: string, status: JobStatus, attempts: number, maxAttempts: number, progress: unknown, lastError: string | null, cancelRequested: boolean, leaseExpiresAt: string | null, notBefore: string, createdAt: string };

export type ResolvedMetricFragment = { source: MetricSource, key: string, kind: EvaluationKind | null, target: string | null, dataset: string | null, split: string | null, depthUnit: DepthUnit | null, similarity: SimilarityKind | null };

export type SeedValuesFragment = { runId: string, seed: number, status: RunStatus, value: number | null, step: number | null, depth: number | null };

export type GridCellSummaryFragment = { modelSize: string, blocks: number, mode: RunMode, n: number, mean: number | null, std: number | null, ciLow: number | null, ciHigh: number | null, runs: number, missing: number, queued: number, running: number, failed: number, cancelled: number, values: Array<{ runId: string, seed: number, status: RunStatus, value: number | null, step: number | null, depth: number | null }> };

export type DepthPointSummaryFragment = { depth: number, n: number, mean: number | null, std: number | null, ciLow: number | null, ciHigh: number | null };

export type SeriesPointsFragment = { runId: string, key: string, block: number | null, downsampled: boolean, pointCount: number, steps: number[], values: number[] };

export type MetricExtentFragment = { runId: string, key: string, block: number | null, firstStep: number, lastStep: number, lastValue: number };

export type SimilarityHeaderFragment = { runId: string, otherRunId: string | null, kind: SimilarityKind, step: number, steps: Array<number>, dataset: string, rowLabels: Array<string>, colLabels: Array<string> };

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
export const RunSummaryFragmentDoc = new TypedDocumentString(`
    fragment RunSummary on Run {
  id
  name
  projectId
  sweepId
  mode
  modelSize
  blocks
  partitions
  seed
  dataset
  status
  backend
  agentName
  tags
  createdAt
  startedAt
  finishedAt
  durationSeconds
  error
}
    `, {"fragmentName":"RunSummary"}) as unknown as TypedDocumentString<RunSummaryFragment, unknown>;
export const CheckpointSummaryFragmentDoc = new TypedDocumentString(`
    fragment CheckpointSummary on Checkpoint {
  step
  sha256
  bytes
  uri
  createdAt
}
    `, {"fragmentName":"CheckpointSummary"}) as unknown as TypedDocumentString<CheckpointSummaryFragment, unknown>;
export const JobAttemptSummaryFragmentDoc = new TypedDocumentString(`
    fragment JobAttemptSummary on JobAttempt {
  id
  status
  attempts
  maxAttempts
  progress
  lastError
  cancelRequested
  leaseExpiresAt
  notBefore
  createdAt
}
    `, {"fragmentName":"JobAttemptSummary"}) as unknown as TypedDocumentString<JobAttemptSummaryFragment, unknown>;
export const RunRecordFragmentDoc = new TypedDocumentString(`
    fragment RunRecord on Run {
  ...RunSummary
  notes
  config
  project {
    id
    name
  }
  sweep {
    id
    name
  }
  checkpoints {
    ...CheckpointSummary
  }
  jobs(first: 5) {
    ...JobAttemptSummary
  }
}
    fragment RunSummary on Run {
  id
  name
  projectId
  sweepId
  mode
  modelSize
  blocks
  partitions
  seed
  dataset
  status
  backend
  agentName
  tags
  createdAt
  startedAt
  finishedAt
  durationSeconds
  error
}
fragment CheckpointSummary on Checkpoint {
  step
  sha256
  bytes
  uri
  createdAt
}
fragment JobAttemptSummary on JobAttempt {
  id
  status
  attempts
  maxAttempts
  progress
  lastError
  cancelRequested
  leaseExpiresAt
  notBefore
  createdAt
}`, {"fragmentName":"RunRecord"}) as unknown as TypedDocumentString<RunRecordFragment, unknown>;
export const SweepSummaryFragmentDoc = new TypedDocumentString(`
    fragment SweepSummary on Sweep {
  id
  name
  projectId
  project {
    id
    name
  }
  createdAt
  specHash
  factors {
    modelSizes
    blocks
    modes
    seeds
  }
  statusCounts {
    total
    queued
    running
    succeeded
    failed
    cancelled
  }
}
    `, {"fragmentName":"SweepSummary"}) as unknown as TypedDocumentString<SweepSummaryFragment, unknown>;
export const EvaluationValueFragmentDoc = new TypedDocumentString(`
    fragment EvaluationValue on Evaluation {
  kind
  metric
  target
  dataset
  depthUnit
  depth
  step
  value
}
    `, {"fragmentName":"EvaluationValue"}) as unknown as TypedDocumentString<EvaluationValueFragment, unknown>;
export const ResolvedMetricFragmentDoc = new TypedDocumentString(`
    fragment ResolvedMetric on ResolvedMetricInfo {
  source
  key
  kind
  target
  dataset
  split
  depthUnit
  similarity
}
    `, {"fragmentName":"ResolvedMetric"}) as unknown as TypedDocumentString<ResolvedMetricFragment, unknown>;
export const SeedValuesFragmentDoc = new TypedDocumentString(`
    fragment SeedValues on SeedValue {
  runId
  seed
  status
  value
  step
  depth
}
    `, {"fragmentName":"SeedValues"}) as unknown as TypedDocumentString<SeedValuesFragment, unknown>;
export const GridCellSummaryFragmentDoc = new TypedDocumentString(`
    fragment GridCellSummary on GridCell {
  modelSize
  blocks
  mode
  n
  mean
  std
  ciLow
  ciHigh
  runs
  missing
  queued
  running
  failed
  cancelled
  values {
    ...SeedValues
  }
}
    fragment SeedValues on SeedValue {
  runId
  seed
  status
  value
  step
  depth
}`, {"fragmentName":"GridCellSummary"}) as unknown as TypedDocumentString<GridCellSummaryFragment, unknown>;
export const DepthPointSummaryFragmentDoc = new TypedDocumentString(`
    fragment DepthPointSummary on DepthPoint {
  depth
  n
  mean
  std
  ciLow
  ciHigh
}
    `, {"fragmentName":"DepthPointSummary"}) as unknown as TypedDocumentString<DepthPointSummaryFragment, unknown>;
export const SeriesPointsFragmentDoc = new TypedDocumentString(`
    fragment SeriesPoints on MetricSeriesColumns {
  runId
  key
  block
  downsampled
  pointCount
  steps
  values
}
    `, {"fragmentName":"SeriesPoints"}) as unknown as TypedDocumentString<SeriesPointsFragment, unknown>;
export const MetricExtentFragmentDoc = new TypedDocumentString(`
    fragment MetricExtent on MetricKeyInfo {
  runId
  key
  block
  firstStep
  lastStep
  lastValue
}
    `, {"fragmentName":"MetricExtent"}) as unknown as TypedDocumentString<MetricExtentFragment, unknown>;
export const SimilarityHeaderFragmentDoc = new TypedDocumentString(`
    fragment SimilarityHeader on SimilarityMatrix {
  runId
  otherRunId
  kind
  step
  steps
  dataset
  rowLabels
  colLabels
}
    `, {"fragmentName":"SimilarityHeader"}) as unknown as TypedDocumentString<SimilarityHeaderFragment, unknown>;
export const CancelRunDocument = new TypedDocumentString(`
    mutation CancelRun($id: ID!) {
  cancelRun(id: $id) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<CancelRunMutation, CancelRunMutationVariables>;
export const RetryRunDocument = new TypedDocumentString(`
    mutation RetryRun($id: ID!) {
  retryRun(id: $id) {
    id
    status
  }
}
    `) as unknown as TypedDocumentString<RetryRunMutation, RetryRunMutationVariables>;
export const AgentsOverviewDocument = new TypedDocumentString(`
    query AgentsOverview {
  agents(first: 200) {
    id
    name
    host
    devices
    backends
    version
    status
    lastHeartbeatAt
    currentJobs {
      jobId
      runId
      runName
      progress
      leaseExpiresAt
    }
  }
}
    `) as unknown as TypedDocumentString<AgentsOverviewQuery, AgentsOverviewQueryVariables>;
export const QueueListingDocument = new TypedDocumentString(`
    query QueueListing($status: [JobStatus!], $first: Int!, $offset: Int!) {
  queue(status: $status, first: $first, offset: $offset) {
    position
    jobId
    runId
    runName
    runStatus
    sweepId
    kind
    status
    priority
    attempts
    maxAttempts
    notBefore
    runnable
    leaseOwnerName
    leaseExpiresAt
    cancelRequested
    lastError
    progress
    createdAt
  }
}
    `) as unknown as TypedDocumentString<QueueListingQuery, QueueListingQueryVariables>;
export const CellRunsDocument = new TypedDocumentString(`
    query CellRuns($filter: RunFilter!) {
  cellRuns: runs(
    filter: $filter
    first: 200
    orderBy: {field: SEED, direction: ASC}
  ) {
    nodes {
      id
      name
      seed
      status
      config
      sweep {
        name
      }
      evaluations(filter: {latestOnly: true}) {
        kind
        metric
        target
      }
    }
  }
}
    `) as unknown as TypedDocumentString<CellRunsQuery, CellRunsQueryVariables>;
export const DepthProfileDocument = new TypedDocumentString(`
    query DepthProfile($runIds: [ID!], $cell: GridCellInput, $metric: MetricSelector!, $partition: Int) {
  depthProfile(
    runIds: $runIds
    cell: $cell
    metric: $metric
    partition: $partition
  ) {
    runIds
    metric {
      ...ResolvedMetric
    }
    points {
      ...DepthPointSummary
    }
  }
}
    fragment ResolvedMetric on ResolvedMetricInfo {
  source
  key
  kind
  target
  dataset
  split
  depthUnit
  similarity
}
fragment DepthPointSummary on DepthPoint {
  depth
  n
  mean
  std
  ciLow
  ciHigh
}`) as unknown as TypedDocumentString<DepthProfileQuery, DepthProfileQueryVariables>;
export const ProjectsDocument = new TypedDocumentString(`
    query Projects {
  projects(first: 200) {
    id
    name
    description
    runCount
    createdAt
    sweeps {
      id
    }
  }
}
    `) as unknown as TypedDocumentString<ProjectsQuery, ProjectsQueryVariables>;
export const RecentSweepsDocument = new TypedDocumentString(`
    query RecentSweeps($first: Int!, $project: String) {
  sweeps(first: $first, project: $project) {
    ...SweepSummary
  }
}
    fragment SweepSummary on Sweep {
  id
  name
  projectId
  project {
    id
    name
  }
  createdAt
  specHash
  factors {
    modelSizes
    blocks
    modes
    seeds
  }
  statusCounts {
    total
    queued
    running
    succeeded
    failed
    cancelled
  }
}`) as unknown as TypedDocumentString<RecentSweepsQuery, RecentSweepsQueryVariables>;
export const ProjectByNameDocument = new TypedDocumentString(`
    query ProjectByName($name: String!) {
  project(name: $name) {
    id
  }
}
    `) as unknown as TypedDocumentString<ProjectByNameQuery, ProjectByNameQueryVariables>;
export const BaselinesDocument = new TypedDocumentString(`
    query Baselines($project: String!) {
  baselines(project: $project) {
    id
    name
    createdAt
    updatedAt
    sweep {
      id
      name
    }
    runIds
    checks(first: 1) {
      id
      createdAt
      passed
      failed
      insufficient
      verdicts {
        verdict
      }
    }
  }
}
    `) as unknown as TypedDocumentString<BaselinesQuery, BaselinesQueryVariables>;
export const RegressionChecksDocument = new TypedDocumentString(`
    query RegressionChecks($project: String!, $baseline: String!, $first: Int!) {
  regressionChecks(project: $project, baseline: $baseline, first: $first) {
    id
    createdAt
    baselineName
    candidate
    passed
    failed
    insufficient
    verdicts {
      ruleIndex
      rule
      verdict
      message
      block
      cell {
        modelSize
        blocks
        mode
      }
      metric {
        source
        key
        kind
        target
      }
      baselineMean
      baselineStd
      baselineN
      candidateMean
      candidateStd
      candidateN
      delta
      ciLow
      ciHigh
      drop
      allowedDrop
    }
  }
}
    `) as unknown as TypedDocumentString<RegressionChecksQuery, RegressionChecksQueryVariables>;
export const RunDetailDocument = new TypedDocumentString(`
    query RunDetail($id: ID!) {
  run(id: $id) {
    ...RunRecord
    agentId
    updatedAt
    divergence {
      step
      block
      quantity
      value
    }
    evaluations {
      ...EvaluationValue
      std
      ciLow
      ciHigh
    }
  }
}
    fragment RunSummary on Run {
  id
  name
  projectId
  sweepId
  mode
  modelSize
  blocks
  partitions
  seed
  dataset
  status
  backend
  agentName
  tags
  createdAt
  startedAt
  finishedAt
  durationSeconds
  error
}
fragment RunRecord on Run {
  ...RunSummary
  notes
  config
  project {
    id
    name
  }
  sweep {
    id
    name
  }
  checkpoints {
    ...CheckpointSummary
  }
  jobs(first: 5) {
    ...JobAttemptSummary
  }
}
fragment EvaluationValue on Evaluation {
  kind
  metric
  target
  dataset
  depthUnit
  depth
  step
  value
}
fragment CheckpointSummary on Checkpoint {
  step
  sha256
  bytes
  uri
  createdAt
}
fragment JobAttemptSummary on JobAttempt {
  id
  status
  attempts
  maxAttempts
  progress
  lastError
  cancelRequested
  leaseExpiresAt
  notBefore
  createdAt
}`) as unknown as TypedDocumentString<RunDetailQuery, RunDetailQueryVariables>;
export const RunsPageDocument = new TypedDocumentString(`
    query RunsPage($filter: RunFilter, $orderBy: RunOrder, $first: Int!, $after: String, $withCount: Boolean!, $withMetrics: Boolean!, $metricKinds: [EvaluationKind!], $metrics: [String!], $metricTargets: [String!]) {
  runs(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    totalCount @include(if: $withCount)
    pageInfo {
      endCursor
      hasNextPage
    }
    nodes {
      id
      name
      status
      mode
      modelSize
      blocks
      seed
      dataset
      tags
      sweepId
      sweep {
        name
      }
      createdAt
      startedAt
      finishedAt
      evaluations(
        filter: {latestOnly: true, depthUnit: BLOCK, kind: $metricKinds, metric: $metrics, target: $metricTargets}
      ) @include(if: $withMetrics) {
        ...EvaluationValue
      }
    }
  }
}
    fragment EvaluationValue on Evaluation {
  kind
  metric
  target
  dataset
  depthUnit
  depth
  step
  value
}`) as unknown as TypedDocumentString<RunsPageQuery, RunsPageQueryVariables>;
export const RunsColumnOptionsDocument = new TypedDocumentString(`
    query RunsColumnOptions($filter: RunFilter) {
  runs(filter: $filter, first: 5, orderBy: {field: CREATED_AT, direction: DESC}) {
    nodes {
      evaluations(filter: {latestOnly: true, depthUnit: BLOCK}) {
        kind
        metric
        target
      }
    }
  }
}
    `) as unknown as TypedDocumentString<RunsColumnOptionsQuery, RunsColumnOptionsQueryVariables>;
export const MetricSeriesDocument = new TypedDocumentString(`
    query MetricSeries($runIds: [ID!]!, $keys: [String!]!, $blocks: [Int], $fromStep: Int, $toStep: Int, $maxPoints: Int!) {
  metricSeries: metricSeriesColumns(
    runIds: $runIds
    keys: $keys
    blocks: $blocks
    fromStep: $fromStep
    toStep: $toStep
    maxPoints: $maxPoints
  ) {
    ...SeriesPoints
    mins
    maxs
  }
}
    fragment SeriesPoints on MetricSeriesColumns {
  runId
  key
  block
  downsampled
  pointCount
  steps
  values
}`) as unknown as TypedDocumentString<MetricSeriesQuery, MetricSeriesQueryVariables>;
export const MetricKeysDocument = new TypedDocumentString(`
    query MetricKeys($runIds: [ID!]!) {
  metricKeys(runIds: $runIds) {
    ...MetricExtent
  }
}
    fragment MetricExtent on MetricKeyInfo {
  runId
  key
  block
  firstStep
  lastStep
  lastValue
}`) as unknown as TypedDocumentString<MetricKeysQuery, MetricKeysQueryVariables>;
export const SimilarityDocument = new TypedDocumentString(`
    query Similarity($runId: ID!, $kind: SimilarityKind!, $step: Int, $otherRunId: ID, $partition: Int) {
  similarity(
    runId: $runId
    kind: $kind
    step: $step
    otherRunId: $otherRunId
    partition: $partition
  ) {
    ...SimilarityHeader
    values
  }
}
    fragment SimilarityHeader on SimilarityMatrix {
  runId
  otherRunId
  kind
  step
  steps
  dataset
  rowLabels
  colLabels
}`) as unknown as TypedDocumentString<SimilarityQuery, SimilarityQueryVariables>;
export const PatchDiagnosticsDocument = new TypedDocumentString(`
    query PatchDiagnostics($runId: ID!, $step: Int) {
  patchDiagnostics(runId: $runId, step: $step) {
    step
    dataset
    block
    tokenCosine
    occDrop
    effectiveRank
    participationRatio
    isotropy
    uniformity
    tokenNormMean
    attentionDistance
    attentionDistanceSpatial
    attentionDistanceTemporal
    reconstructionError
    reconstructionGrid
  }
}
    `) as unknown as TypedDocumentString<PatchDiagnosticsQuery, PatchDiagnosticsQueryVariables>;
export const SweepHeaderDocument = new TypedDocumentString(`
    query SweepHeader($id: ID!) {
  sweep(id: $id) {
    ...SweepSummary
  }
}
    fragment SweepSummary on Sweep {
  id
  name
  projectId
  project {
    id
    name
  }
  createdAt
  specHash
  factors {
    modelSizes
    blocks
    modes
    seeds
  }
  statusCounts {
    total
    queued
    running
    succeeded
    failed
    cancelled
  }
}`) as unknown as TypedDocumentString<SweepHeaderQuery, SweepHeaderQueryVariables>;
export const SweepTargetsDocument = new TypedDocumentString(`
    query SweepTargets($sweepId: ID!) {
  runs(filter: {sweepId: $sweepId, status: [SUCCEEDED, RUNNING]}, first: 3) {
    nodes {
      evaluations(filter: {latestOnly: true}) {
        kind
        metric
        target
        dataset
      }
    }
  }
}
    `) as unknown as TypedDocumentString<SweepTargetsQuery, SweepTargetsQueryVariables>;
export const SweepGridDocument = new TypedDocumentString(`
    query SweepGrid($sweepId: ID!, $metric: MetricSelector!, $block: Int, $at: Int) {
  sweepGrid(sweepId: $sweepId, metric: $metric, block: $block, at: $at) {
    block
    at
    modelSizes
    blocks
    modes
    seeds
    metric {
      ...ResolvedMetric
    }
    cells {
      ...GridCellSummary
    }
  }
}
    fragment ResolvedMetric on ResolvedMetricInfo {
  source
  key
  kind
  target
  dataset
  split
  depthUnit
  similarity
}
fragment SeedValues on SeedValue {
  runId
  seed
  status
  value
  step
  depth
}
fragment GridCellSummary on GridCell {
  modelSize
  blocks
  mode
  n
  mean
  std
  ciLow
  ciHigh
  runs
  missing
  queued
  running
  failed
  cancelled
  values {
    ...SeedValues
  }
}`) as unknown as TypedDocumentString<SweepGridQuery, SweepGridQueryVariables>;
export const ViewerDocument = new TypedDocumentString(`
    query Viewer {
  viewer {
    role
    label
  }
}
    `) as unknown as TypedDocumentString<ViewerQuery, ViewerQueryVariables>;