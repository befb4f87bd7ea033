import { Arg, Args, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { JSONScalar } from '../common/scalars.js';
import { CapabilitiesInput, DivergenceInput, QueueArgs } from './job.input.js';
import { ClaimedJob, HeartbeatResult, JobTransition, QueueEntry } from './job.type.js';
import { claimForAgent, completeHeldJob, failHeldJob, heartbeatJob, releaseHeldJob } from './job.service.js';
import { listQueue } from './queue.js';

@Resolver()
export class JobResolver {
  @Authorized('AGENT', 'ADMIN')
  @Mutation(() => ClaimedJob, {
    nullable: true,
    description: 'Lease the best runnable job this agent can run (null when there is none). Capabilities default to what the agent registered.',
  })
  claimJob(
    @Arg('agentId', () => ID) agentId: string,
    @Arg('capabilities', () => CapabilitiesInput, { nullable: true }) capabilities: CapabilitiesInput | null,
    @Ctx() ctx: Context,
  ): Promise<ClaimedJob | null> {
    return claimForAgent(ctx.app, ctx.principal, agentId, capabilities);
  }

  @Authorized('AGENT', 'ADMIN')
  @Mutation(() => HeartbeatResult, { description: 'Extend the lease; LEASE_LOST when the caller no longer holds it.' })
  heartbeat(
    @Arg('jobId', () => ID) jobId: string,
    @Arg('fencingToken', () => String) fencingToken: string,
    @Arg('progress', () => JSONScalar, { nullable: true }) progress: unknown,
    @Arg('backend', () => String, { nullable: true, description: 'The backend the trainer actually loaded.' }) backend: string | null,
    @Ctx() ctx: Context,
  ): Promise<HeartbeatResult> {
    return heartbeatJob(ctx.app, ctx.principal, jobId, fencingToken, progress, backend);
  }

  @Authorized('AGENT', 'ADMIN')
  @Mutation(() => JobTransition, { description: 'The job succeeded (the run ends CANCELLED instead if a cancel was requested).' })
  completeJob(
    @Arg('jobId', () => ID) jobId: string,
    @Arg('fencingToken', () => String) fencingToken: string,
    @Arg('summary', () => JSONScalar, { nullable: true }) summary: unknown,
    @Ctx() ctx: Context,
  ): Promise<JobTransition> {
    return completeHeldJob(ctx.app, ctx.principal, jobId, fencingToken, summary);
  }

  @Authorized('AGENT', 'ADMIN')
  @Mutation(() => JobTransition, { description: 'The job failed: retried after backoff when retryable and attempts remain, else FAILED (at once when it diverged).' })
  failJob(
    @Arg('jobId', () => ID) jobId: string,
    @Arg('fencingToken', () => String) fencingToken: string,
    @Arg('error', () => String) error: string,
    @Arg('retryable', () => Boolean) retryable: boolean,
    @Arg('divergence', () => DivergenceInput, { nullable: true, description: 'The loss became non-finite here: the run fails as diverged (retryable is ignored).' })
    divergence: DivergenceInput | null,
    @Ctx() ctx: Context,
  ): Promise<JobTransition> {
    return failHeldJob(ctx.app, ctx.principal, jobId, fencingToken, error, retryable, divergence);
  }

  @Authorized('AGENT', 'ADMIN')
  @Mutation(() => JobTransition, { description: 'Give the job back (graceful drain) without using up the attempt.' })
  releaseJob(
    @Arg('jobId', () => ID) jobId: string,
    @Arg('fencingToken', () => String) fencingToken: string,
    @Ctx() ctx: Context,
  ): Promise<JobTransition> {
    return releaseHeldJob(ctx.app, ctx.principal, jobId, fencingToken);
  }

  @Authorized('READER')
  @Query(() => [QueueEntry], { description: 'Jobs in claim order: running, then runnable (priority, then age), then backing off, then finished.' })
  queue(@Args(() => QueueArgs) args: QueueArgs, @Ctx() ctx: Context): Promise<QueueEntry[]> {
    return listQueue(ctx.app, args.status?.length ? args.status : ['RUNNING', 'QUEUED'], args.first, args.offset);
  }
}
