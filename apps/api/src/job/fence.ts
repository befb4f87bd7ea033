// Fencing: who may act on a job, and the one condition every agent write is checked against.
// A write lands only while the caller holds the job's current lease: same fencing token, same
// holder, job still RUNNING, lease not expired — checked inside the statement (or transaction)
// that writes, so a worker that lost its lease can never write again.
import type pg from 'pg';
import type { AppServices } from '../context.js';
import type { Principal } from '../auth/tokens.js';
import { BadInputError, ForbiddenError, LeaseLostError, NotFoundError } from '../errors/codes.js';
import { parseId } from '../common/ids.js';
import type { Row } from '../common/columns.js';

/**
 * The agent a caller acts as: an AGENT token's bound agent, or null for ADMIN (operators and
 * tests may act on any job; the fencing token still has to match).
 */
export function actingAgent(principal: Principal | null): string | null {
  if (principal?.role === 'ADMIN') return null;
  if (principal?.role === 'AGENT') {
    if (!principal.agentId) throw new ForbiddenError('this agent token is not bound to an agent yet: call registerAgent first');
    return principal.agentId;
  }
  throw new ForbiddenError('only agent tokens (or ADMIN) may use the agent protocol');
}

/** An AGENT token may only act as its own agent; ADMIN may name any. */
export function assertActsAs(principal: Principal | null, agentId: string): void {
  const bound = actingAgent(principal);
  if (bound !== null && bound !== agentId) throw new ForbiddenError(`this token is bound to agent ${bound} and cannot act as agent ${agentId}`);
}

/** Fencing tokens travel as decimal strings (they are 64-bit in the database). */
export function parseFencingToken(value: string): bigint {
  if (!/^\d{1,19}$/.test(value)) throw new BadInputError('fencingToken must be the decimal string returned by claimJob', 'fencingToken');
  const token = BigInt(value);
  if (token > 9223372036854775807n) throw new BadInputError('fencingToken is out of range', 'fencingToken');
  return token;
}

/** The fence as a SQL condition on `jobs` (aliased `j`): $1 job id, $2 token, $3 holder or null. */
export const FENCE = `j.id = $1 AND j.fencing_token = $2 AND ($3::uuid IS NULL OR j.lease_owner = $3::uuid)
  AND j.status = 'RUNNING' AND j.lease_expires_at > now()`;

export interface Fence {
  jobId: string;
  token: bigint;
  /** The holder the caller must be (null: ADMIN, any holder). */
  agentId: string | null;
}

export function fenceFor(principal: Principal | null, jobId: string, fencingToken: string): Fence {
  return { jobId: parseId(jobId, 'jobId'), token: parseFencingToken(fencingToken), agentId: actingAgent(principal) };
}

export function fenceParams(fence: Fence): [string, string, string | null] {
  return [fence.jobId, fence.token.toString(), fence.agentId];
}

/**
 * Called after a fenced write matched no row: says precisely why (not found, not the holder,
 * stale token, no longer running, expired) and throws. Never on the success path.
 */
export async function explainLeaseLoss(app: AppServices, fence: Fence): Promise<never> {
  const { rows } = await app.pool.query<Pick<Row<'jobs'>, 'status' | 'fencing_token' | 'lease_owner'> & { expired: boolean | null }>(
    'SELECT status, fencing_token::text, lease_owner, lease_expires_at <= now() AS expired FROM jobs WHERE id = $1',
    [fence.jobId],
  );
  const job = rows[0];
  if (!job) throw new NotFoundError('job', fence.jobId);
  if (fence.agentId !== null && job.lease_owner !== fence.agentId) throw new LeaseLostError(fence.jobId, 'this agent does not hold the job');
  if (job.fencing_token !== fence.token.toString()) {
    throw new LeaseLostError(fence.jobId, `fencing token ${fence.token} is stale (the job was claimed again; current token is newer)`);
  }
  if (job.status !== 'RUNNING') throw new LeaseLostError(fence.jobId, `the job is ${job.status}`);
  if (job.expired) throw new LeaseLostError(fence.jobId, 'the lease expired; the job will be requeued');
  throw new LeaseLostError(fence.jobId, 'the lease changed while writing; retry after claiming again');
}

export interface FencedJob {
  runId: string;
  otherRunId: string | null;
  kind: 'TRAIN' | 'COMPARE';
}

/**
 * Runs `fn` in one transaction on one pooled connection that first takes a share lock on the
 * job row under the fence: requeueing, failing or re-claiming the job (all UPDATEs of that row)
 * wait for this transaction, so whatever `fn` writes is committed while the lease is still
 * held, or not at all.
 */
export async function withFence<T>(app: AppServices, fence: Fence, fn: (client: pg.PoolClient, job: FencedJob) => Promise<T>): Promise<T> {
  const client = await app.pool.connect();
  let outcome: { value: T } | null = null;
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<Pick<Row<'jobs'>, 'run_id' | 'other_run_id' | 'kind'>>({
      name: 'stratum_fence_share',
      text: `SELECT j.run_id, j.other_run_id, j.kind::text AS kind FROM jobs j WHERE ${FENCE} FOR SHARE`,
      values: fenceParams(fence),
    });
    const job = rows[0];
    if (job) {
      outcome = { value: await fn(client, { runId: job.run_id, otherRunId: job.other_run_id, kind: job.kind }) };
      await client.query('COMMIT');
    } else {
      await client.query('ROLLBACK');
    }
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
  return outcome ? outcome.value : explainLeaseLoss(app, fence);
}
