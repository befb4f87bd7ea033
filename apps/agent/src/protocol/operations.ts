// The agent protocol's operations (apps/api/schema.graphql), typed. Each wrapper states its
// retry policy: idempotent writes retry until they succeed or fail for good; claims do not
// (a lost answer would lease a job we never hear of — it is requeued when the lease expires).
import type { MetricPoint } from '../spool.js';
import type { Divergence, EvaluationValue, PatchDiagnosticValue, SimilarityValue } from '../worker/messages.js';
import type { ProtocolClient, RetryOptions } from './client.js';

export interface CheckpointRef {
  step: number;
  sha256: string;
  uri: string;
  bytes: number;
}

export interface ClaimedJob {
  jobId: string;
  runId: string;
  runName: string;
  projectId: string;
  kind: 'TRAIN' | 'COMPARE';
  otherRunId: string | null;
  fencingToken: string;
  leaseExpiresAt: string;
  attempt: number;
  maxAttempts: number;
  config: unknown;
  requirements: unknown;
  backend: string | null;
  latestCheckpoint: CheckpointRef | null;
  /** COMPARE jobs: the other run's final checkpoint (latestCheckpoint is this run's). */
  otherCheckpoint: CheckpointRef | null;
}

export interface JobTransition {
  jobId: string;
  status: string;
  runStatus: string | null;
  attempts: number;
  lastError: string | null;
}

export interface Capabilities {
  backends: string[];
  devices: Array<Record<string, unknown>>;
  labels: Record<string, string>;
  gpu: boolean;
}

export interface Lease {
  jobId: string;
  fencingToken: string;
}

const TRANSITION = 'jobId status runStatus attempts lastError';

export class AgentProtocol {
  constructor(readonly client: ProtocolClient) {}

  async registerAgent(input: { name: string; host: string; devices: unknown; backends: string[]; labels: Record<string, string>; version: string }, retry?: RetryOptions): Promise<{ id: string }> {
    const data = await this.client.graphql<{ registerAgent: { id: string } }>(
      `mutation Register($name: String!, $host: String!, $devices: JSON, $backends: [String!]!, $labels: JSON, $version: String) {
        registerAgent(name: $name, host: $host, devices: $devices, backends: $backends, labels: $labels, version: $version) { id }
      }`,
      input,
      { label: 'registerAgent', attempts: Infinity, ...retry },
    );
    return data.registerAgent;
  }

  async setAgentStatus(agentId: string, status: 'ONLINE' | 'DRAINING' | 'OFFLINE', retry?: RetryOptions): Promise<void> {
    await this.client.graphql(
      `mutation Status($agentId: ID!, $status: AgentStatus!) { setAgentStatus(agentId: $agentId, status: $status) { id } }`,
      { agentId, status },
      { label: 'setAgentStatus', attempts: 3, ...retry },
    );
  }

  async claimJob(agentId: string, capabilities: Capabilities, retry?: RetryOptions): Promise<ClaimedJob | null> {
    const data = await this.client.graphql<{ claimJob: ClaimedJob | null }>(
      `mutation Claim($agentId: ID!, $capabilities: CapabilitiesInput) {
        claimJob(agentId: $agentId, capabilities: $capabilities) {
          jobId runId runName projectId kind otherRunId fencingToken leaseExpiresAt attempt maxAttempts
          config requirements backend latestCheckpoint { step sha256 uri bytes } otherCheckpoint { step sha256 uri bytes }
        }
      }`,
      { agentId, capabilities },
      { label: 'claimJob', attempts: 1, ...retry },
    );
    return data.claimJob;
  }

  async heartbeat(lease: Lease, progress: unknown, backend: string | null, retry?: RetryOptions): Promise<{ leaseExpiresAt: string; cancelRequested: boolean }> {
    const data = await this.client.graphql<{ heartbeat: { leaseExpiresAt: string; cancelRequested: boolean } }>(
      `mutation Heartbeat($jobId: ID!, $fencingToken: String!, $progress: JSON, $backend: String) {
        heartbeat(jobId: $jobId, fencingToken: $fencingToken, progress: $progress, backend: $backend) { leaseExpiresAt cancelRequested }
      }`,
      { ...lease, progress, backend },
      { label: 'heartbeat', attempts: 1, ...retry },
    );
    return data.heartbeat;
  }

  /** Sends one spooled batch in columnar form; idempotent on the server, so safe to replay. */
  async logMetrics(lease: Lease, batchId: string, points: MetricPoint[], retry?: RetryOptions): Promise<{ accepted: number; duplicates: number }> {
    const columns = {
      keys: points.map((p) => p.key),
      blocks: points.map((p) => p.block),
      steps: points.map((p) => p.step),
      values: points.map((p) => p.value),
      wallTimes: points.map((p) => p.wallTime),
    };
    const data = await this.client.graphql<{ logMetrics: { accepted: number; duplicates: number } }>(
      `mutation Log($jobId: ID!, $fencingToken: String!, $batchId: String!, $columns: MetricColumnsInput) {
        logMetrics(jobId: $jobId, fencingToken: $fencingToken, batchId: $batchId, columns: $columns) { accepted duplicates }
      }`,
      { ...lease, batchId, columns },
      { label: 'logMetrics', attempts: Infinity, ...retry },
    );
    return data.logMetrics;
  }

  async completeJob(lease: Lease, summary: unknown, retry?: RetryOptions): Promise<JobTransition> {
    const data = await this.client.graphql<{ completeJob: JobTransition }>(
      `mutation Complete($jobId: ID!, $fencingToken: String!, $summary: JSON) { completeJob(jobId: $jobId, fencingToken: $fencingToken, summary: $summary) { ${TRANSITION} } }`,
      { ...lease, summary },
      { label: 'completeJob', attempts: Infinity, ...retry },
    );
    return data.completeJob;
  }

  /** A divergence (a non-finite loss) fails the run as diverged at that step and block, never retried. */
  async failJob(lease: Lease, error: string, retryable: boolean, retry?: RetryOptions, divergence?: Divergence): Promise<JobTransition> {
    const data = await this.client.graphql<{ failJob: JobTransition }>(
      `mutation Fail($jobId: ID!, $fencingToken: String!, $error: String!, $retryable: Boolean!, $divergence: DivergenceInput) { failJob(jobId: $jobId, fencingToken: $fencingToken, error: $error, retryable: $retryable, divergence: $divergence) { ${TRANSITION} } }`,
      { ...lease, error, retryable, divergence: divergence ?? null },
      { label: 'failJob', attempts: Infinity, ...retry },
    );
    return data.failJob;
  }

  async releaseJob(lease: Lease, retry?: RetryOptions): Promise<JobTransition> {
    const data = await this.client.graphql<{ releaseJob: JobTransition }>(
      `mutation Release($jobId: ID!, $fencingToken: String!) { releaseJob(jobId: $jobId, fencingToken: $fencingToken) { ${TRANSITION} } }`,
      { ...lease },
      { label: 'releaseJob', attempts: Infinity, ...retry },
    );
    return data.releaseJob;
  }

  /** Records a checkpoint already uploaded with PUT /artifacts/<sha256> (idempotent on run + step). */
  async registerCheckpoint(lease: Lease, checkpoint: { step: number; sha256: string; bytes: number; uri: string | null }, retry?: RetryOptions): Promise<CheckpointRef> {
    const data = await this.client.graphql<{ registerCheckpoint: CheckpointRef }>(
      `mutation Checkpoint($jobId: ID!, $fencingToken: String!, $step: Int!, $sha256: String!, $bytes: Float!, $uri: String) {
        registerCheckpoint(jobId: $jobId, fencingToken: $fencingToken, step: $step, sha256: $sha256, bytes: $bytes, uri: $uri) { step sha256 uri bytes }
      }`,
      { ...lease, ...checkpoint },
      { label: 'registerCheckpoint', attempts: Infinity, ...retry },
    );
    return data.registerCheckpoint;
  }

  /** Evaluation results (upserts on their unique key, so a replay replaces rather than duplicates). */
  async reportEvaluation(lease: Lease, step: number, evaluations: EvaluationValue[], retry?: RetryOptions): Promise<number> {
    const data = await this.client.graphql<{ reportEvaluation: { stored: number } }>(
      `mutation Evaluations($jobId: ID!, $fencingToken: String!, $evaluations: [EvaluationInput!]!) {
        reportEvaluation(jobId: $jobId, fencingToken: $fencingToken, evaluations: $evaluations) { stored }
      }`,
      { ...lease, evaluations: evaluations.map((e) => ({ ...e, step })) },
      { label: 'reportEvaluation', attempts: Infinity, ...retry },
    );
    return data.reportEvaluation.stored;
  }

  async reportSimilarity(lease: Lease, step: number, matrix: SimilarityValue, retry?: RetryOptions): Promise<number> {
    const data = await this.client.graphql<{ reportSimilarity: { stored: number } }>(
      `mutation Similarity($jobId: ID!, $fencingToken: String!, $matrix: SimilarityInput!) {
        reportSimilarity(jobId: $jobId, fencingToken: $fencingToken, matrix: $matrix) { stored }
      }`,
      { ...lease, matrix: { ...matrix, step } },
      { label: 'reportSimilarity', attempts: Infinity, ...retry },
    );
    return data.reportSimilarity.stored;
  }

  async reportPatchDiagnostics(lease: Lease, step: number, diagnostics: PatchDiagnosticValue[], retry?: RetryOptions): Promise<number> {
    const data = await this.client.graphql<{ reportPatchDiagnostics: { stored: number } }>(
      `mutation Patches($jobId: ID!, $fencingToken: String!, $diagnostics: [PatchDiagnosticInput!]!) {
        reportPatchDiagnostics(jobId: $jobId, fencingToken: $fencingToken, diagnostics: $diagnostics) { stored }
      }`,
      { ...lease, diagnostics: diagnostics.map((d) => ({ ...d, step })) },
      { label: 'reportPatchDiagnostics', attempts: Infinity, ...retry },
    );
    return data.reportPatchDiagnostics.stored;
  }
}
