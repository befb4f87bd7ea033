// The agent protocol's operations, generated from apps/api/schema.graphql (documents in
// documents/agent.graphql). Each wrapper states its retry policy: idempotent writes retry until
// they succeed or fail for good; claims do not (a lost answer would lease a job we never hear
// of — it is requeued when the lease expires).
import type { MetricPoint } from '@stratum/run-config';
import type { Divergence, EvaluationValue, PatchDiagnosticValue, SimilarityValue } from '../worker/messages.js';
import type { ProtocolClient, RetryOptions } from './client.js';
import {
  ClaimJobDocument, CompleteJobDocument, FailJobDocument, HeartbeatDocument, LogMetricsDocument, RegisterAgentDocument,
  RegisterCheckpointDocument, ReleaseJobDocument, ReportEvaluationDocument, ReportPatchDiagnosticsDocument,
  ReportSimilarityDocument, SetAgentStatusDocument,
  type AgentStatus, type CapabilitiesInput, type CheckpointFragment, type ClaimJobMutation, type RegisterAgentMutationVariables,
  type TransitionFragment,
} from './generated/graphql.js';

export type CheckpointRef = CheckpointFragment;
export type ClaimedJob = NonNullable<ClaimJobMutation['claimJob']>;
export type JobTransition = TransitionFragment;

export interface Capabilities extends CapabilitiesInput {
  backends: string[];
  devices: Array<Record<string, unknown>>;
  labels: Record<string, string>;
  gpu: boolean;
}

export interface Lease {
  jobId: string;
  fencingToken: string;
}

export class AgentProtocol {
  constructor(readonly client: ProtocolClient) {}

  async registerAgent(input: RegisterAgentMutationVariables & { labels: Record<string, string> }, retry?: RetryOptions): Promise<{ id: string }> {
    const data = await this.client.request(RegisterAgentDocument, input, { label: 'registerAgent', attempts: Infinity, ...retry });
    return data.registerAgent;
  }

  async setAgentStatus(agentId: string, status: AgentStatus, retry?: RetryOptions): Promise<void> {
    await this.client.request(SetAgentStatusDocument, { agentId, status }, { label: 'setAgentStatus', attempts: 3, ...retry });
  }

  async claimJob(agentId: string, capabilities: Capabilities, retry?: RetryOptions): Promise<ClaimedJob | null> {
    const data = await this.client.request(ClaimJobDocument, { agentId, capabilities }, { label: 'claimJob', attempts: 1, ...retry });
    return data.claimJob;
  }

  async heartbeat(lease: Lease, progress: unknown, backend: string | null, retry?: RetryOptions): Promise<{ leaseExpiresAt: string; cancelRequested: boolean }> {
    const data = await this.client.request(HeartbeatDocument, { ...lease, progress, backend }, { label: 'heartbeat', attempts: 1, ...retry });
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
    const data = await this.client.request(LogMetricsDocument, { ...lease, batchId, columns }, { label: 'logMetrics', attempts: Infinity, ...retry });
    return data.logMetrics;
  }

  async completeJob(lease: Lease, summary: unknown, retry?: RetryOptions): Promise<JobTransition> {
    const data = await this.client.request(CompleteJobDocument, { ...lease, summary }, { label: 'completeJob', attempts: Infinity, ...retry });
    return data.completeJob;
  }

  /** A divergence (a non-finite loss) fails the run as diverged at that step and block, never retried. */
  async failJob(lease: Lease, error: string, retryable: boolean, retry?: RetryOptions, divergence?: Divergence): Promise<JobTransition> {
    const data = await this.client.request(FailJobDocument, { ...lease, error, retryable, divergence: divergence ?? null }, { label: 'failJob', attempts: Infinity, ...retry });
    return data.failJob;
  }

  async releaseJob(lease: Lease, retry?: RetryOptions): Promise<JobTransition> {
    const data = await this.client.request(ReleaseJobDocument, { ...lease }, { label: 'releaseJob', attempts: Infinity, ...retry });
    return data.releaseJob;
  }

  /** Records a checkpoint already uploaded with PUT /artifacts/<sha256> (idempotent on run + step). */
  async registerCheckpoint(lease: Lease, checkpoint: { step: number; sha256: string; bytes: number; uri: string | null }, retry?: RetryOptions): Promise<CheckpointRef> {
    const data = await this.client.request(RegisterCheckpointDocument, { ...lease, ...checkpoint }, { label: 'registerCheckpoint', attempts: Infinity, ...retry });
    return data.registerCheckpoint;
  }

  /** Evaluation results (upserts on their unique key, so a replay replaces rather than duplicates). */
  async reportEvaluation(lease: Lease, step: number, evaluations: EvaluationValue[], retry?: RetryOptions): Promise<number> {
    const data = await this.client.request(ReportEvaluationDocument, { ...lease, evaluations: evaluations.map((e) => ({ ...e, step })) }, { label: 'reportEvaluation', attempts: Infinity, ...retry });
    return data.reportEvaluation.stored;
  }

  async reportSimilarity(lease: Lease, step: number, matrix: SimilarityValue, retry?: RetryOptions): Promise<number> {
    const data = await this.client.request(ReportSimilarityDocument, { ...lease, matrix: { ...matrix, step } }, { label: 'reportSimilarity', attempts: Infinity, ...retry });
    return data.reportSimilarity.stored;
  }

  async reportPatchDiagnostics(lease: Lease, step: number, diagnostics: PatchDiagnosticValue[], retry?: RetryOptions): Promise<number> {
    const data = await this.client.request(ReportPatchDiagnosticsDocument, { ...lease, diagnostics: diagnostics.map((d) => ({ ...d, step })) }, { label: 'reportPatchDiagnostics', attempts: Infinity, ...retry });
    return data.reportPatchDiagnostics.stored;
  }
}
