// The agent-facing job operations as the resolver sees them: who may act, input checks, and the
// mapping from SQL rows to GraphQL objects. The queue logic itself is one file per operation.
import type { AppServices } from '../context.js';
import type { Principal } from '../auth/tokens.js';
import { BadInputError } from '../errors/codes.js';
import { checkLabels, touchAgent } from '../agent/agent.service.js';
import { assertActsAs, fenceFor } from './fence.js';
import { parseId } from '../common/ids.js';
import { claimJob, type Capabilities } from './claim-job.js';
import { heartbeat } from './heartbeat.js';
import { completeJob } from './complete-job.js';
import { enqueueCompareJobs } from './enqueue-compare.js';
import { failJob } from './fail-job.js';
import { releaseJob } from './release-job.js';
import type { CapabilitiesInput, DivergenceInput } from './job.input.js';
import type { ClaimedJob, HeartbeatResult, JobTransition } from './job.type.js';
import type { Transition } from './transition.js';

const MAX_PROGRESS_BYTES = 64 * 1024;

function offerFrom(input: { backends: string[]; devices?: unknown; labels?: unknown; gpu?: boolean }): Capabilities {
  if (input.devices !== undefined && input.devices !== null && !Array.isArray(input.devices)) {
    throw new BadInputError('capabilities.devices must be a JSON list', 'capabilities.devices');
  }
  return {
    backends: [...new Set(input.backends)],
    deviceCount: Array.isArray(input.devices) ? input.devices.length : 0,
    labels: checkLabels(input.labels, 'capabilities.labels'),
    gpu: input.gpu ?? false,
  };
}

export async function claimForAgent(app: AppServices, principal: Principal | null, agentIdArg: string, capabilities: CapabilitiesInput | null | undefined): Promise<ClaimedJob | null> {
  const agentId = parseId(agentIdArg, 'agentId');
  assertActsAs(principal, agentId);
  const registered = await touchAgent(app, agentId);
  if (registered.status === 'DRAINING') return null; // draining: finish what it holds, take nothing new
  const offer = capabilities
    ? offerFrom(capabilities)
    : offerFrom({ backends: registered.backends, devices: registered.devices, labels: registered.labels, gpu: false });
  const row = await claimJob(app, agentId, offer);
  if (!row) return null;
  return {
    jobId: row.id,
    runId: row.run_id,
    runName: row.run_name,
    sweepId: row.sweep_id,
    projectId: row.project_id,
    kind: row.kind,
    otherRunId: row.other_run_id,
    fencingToken: row.fencing_token,
    leaseExpiresAt: row.lease_expires_at,
    attempt: row.attempts,
    maxAttempts: row.max_attempts,
    priority: row.priority,
    config: row.config,
    requirements: row.requirements,
    backend: row.backend,
    previousProgress: row.progress,
    latestCheckpoint: row.ck_sha256 === null
      ? null
      : { step: row.ck_step as number, sha256: row.ck_sha256, uri: row.ck_uri as string, bytes: Number(row.ck_bytes) },
    otherCheckpoint: row.ock_sha256 === null
      ? null
      : { step: row.ock_step as number, sha256: row.ock_sha256, uri: row.ock_uri as string, bytes: Number(row.ock_bytes) },
  };
}

function checkProgress(progress: unknown, field: string): unknown {
  if (progress !== undefined && progress !== null && JSON.stringify(progress).length > MAX_PROGRESS_BYTES) {
    throw new BadInputError(`${field} is larger than ${MAX_PROGRESS_BYTES} bytes`, field);
  }
  return progress ?? null;
}

export async function heartbeatJob(app: AppServices, principal: Principal | null, jobId: string, fencingToken: string, progress: unknown, backend: string | null | undefined): Promise<HeartbeatResult> {
  const fence = fenceFor(principal, jobId, fencingToken);
  if (backend !== undefined && backend !== null && (backend.length === 0 || backend.length > 64)) throw new BadInputError('backend must be 1–64 characters', 'backend');
  return heartbeat(app, fence, checkProgress(progress, 'progress'), backend ?? null);
}

function toGraphQL(t: Transition): JobTransition {
  return { jobId: t.jobId, runId: t.runId, status: t.status, runStatus: t.runStatus, attempts: t.attempts, maxAttempts: t.maxAttempts, notBefore: t.notBefore, lastError: t.lastError };
}

export async function completeHeldJob(app: AppServices, principal: Principal | null, jobId: string, fencingToken: string, summary: unknown): Promise<JobTransition> {
  const transition = await completeJob(app, fenceFor(principal, jobId, fencingToken), checkProgress(summary, 'summary'));
  if (transition.runStatus === 'SUCCEEDED') {
    // Best effort: the run's success is committed whatever happens here; a failure is logged.
    await enqueueCompareJobs(app, transition.runId).catch((error: unknown) => app.log.error({ err: error, runId: transition.runId }, 'could not queue COMPARE jobs'));
  }
  return toGraphQL(transition);
}

export async function failHeldJob(
  app: AppServices, principal: Principal | null, jobId: string, fencingToken: string, error: string, retryable: boolean, divergence: DivergenceInput | null = null,
): Promise<JobTransition> {
  const fence = fenceFor(principal, jobId, fencingToken);
  if (error.trim().length === 0) throw new BadInputError('error must say what went wrong', 'error');
  const diverged = divergence ? { step: divergence.step, block: divergence.block ?? null, quantity: divergence.quantity, value: divergence.value } : null;
  return toGraphQL(await failJob(app, fence, error, retryable, diverged));
}

export async function releaseHeldJob(app: AppServices, principal: Principal | null, jobId: string, fencingToken: string): Promise<JobTransition> {
  return toGraphQL(await releaseJob(app, fenceFor(principal, jobId, fencingToken)));
}
