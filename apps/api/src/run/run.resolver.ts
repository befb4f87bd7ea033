import { Arg, Args, Authorized, Ctx, FieldResolver, Float, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context.js';
import { Project } from '../project/project.type.js';
import { projectById } from '../project/project.loaders.js';
import { agentName } from '../agent/agent.loaders.js';
import { Sweep } from '../sweep/sweep.type.js';
import { sweepById } from '../sweep/sweep.loaders.js';
import { EvaluationFilter, RunTagsArgs, RunsArgs, SetRunNotesArgs, SetRunTagsArgs } from './run.input.js';
import { Checkpoint, Evaluation, JobAttempt, Run, RunConnection } from './run.type.js';
import {
  addRunTags, cancelRun, getRun, listRuns, removeRunTags, retryRun, setRunNotes, setRunTags,
} from './run.service.js';
import { runCheckpoints, runEvaluations, runJobs } from './run.loaders.js';

@Resolver(() => Run)
export class RunResolver {
  @Authorized('READER')
  @Query(() => RunConnection, { description: 'Runs matching a filter, as a Relay connection (newest first by default).' })
  runs(@Args(() => RunsArgs) args: RunsArgs, @Ctx() ctx: Context): Promise<RunConnection> {
    return listRuns(ctx.app, args);
  }

  @Authorized('READER')
  @Query(() => Run, { nullable: true })
  run(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Run | null> {
    return getRun(ctx, id);
  }

  @Authorized('WRITER')
  @Mutation(() => Run, { description: 'Cancel a queued or running run: queued jobs are withdrawn, a running job is asked to stop. Cancelling a cancelled run is a no-op; a finished one is a CONFLICT.' })
  cancelRun(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Run> {
    return cancelRun(ctx.app, id);
  }

  @Authorized('WRITER')
  @Mutation(() => Run, { description: 'Queue a FAILED or CANCELLED run again (a new job; the agent resumes from the latest checkpoint).' })
  retryRun(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Run> {
    return retryRun(ctx.app, id);
  }

  @Authorized('WRITER')
  @Mutation(() => Run, { description: "Replace a run's tags." })
  setRunTags(@Args(() => SetRunTagsArgs) args: SetRunTagsArgs, @Ctx() ctx: Context): Promise<Run> {
    return setRunTags(ctx.app, args.runId, args.tags);
  }

  @Authorized('WRITER')
  @Mutation(() => [Run], { description: 'Add tags to runs (kept sorted, no repeats).' })
  addRunTags(@Args(() => RunTagsArgs) args: RunTagsArgs, @Ctx() ctx: Context): Promise<Run[]> {
    return addRunTags(ctx.app, args.runIds, args.tags);
  }

  @Authorized('WRITER')
  @Mutation(() => [Run], { description: 'Remove tags from runs.' })
  removeRunTags(@Args(() => RunTagsArgs) args: RunTagsArgs, @Ctx() ctx: Context): Promise<Run[]> {
    return removeRunTags(ctx.app, args.runIds, args.tags);
  }

  @Authorized('WRITER')
  @Mutation(() => Run, { description: "Set (or clear, with null) a run's notes." })
  setRunNotes(@Args(() => SetRunNotesArgs) args: SetRunNotesArgs, @Ctx() ctx: Context): Promise<Run> {
    return setRunNotes(ctx.app, args.runId, args.notes ?? null);
  }

  @FieldResolver(() => Project)
  async project(@Root() run: Run, @Ctx() ctx: Context): Promise<Project> {
    return (await projectById(ctx).load(run.projectId))!;
  }

  @FieldResolver(() => Sweep, { nullable: true })
  async sweep(@Root() run: Run, @Ctx() ctx: Context): Promise<Sweep | null> {
    if (!run.sweepId) return null;
    return sweepById(ctx).load(run.sweepId);
  }

  @FieldResolver(() => String, { nullable: true, description: 'Name of the agent that last ran it.' })
  async agentName(@Root() run: Run, @Ctx() ctx: Context): Promise<string | null> {
    if (!run.agentId) return null;
    return agentName(ctx).load(run.agentId);
  }

  @FieldResolver(() => Float, { nullable: true, description: 'Seconds from start to finish (or to now while running).' })
  durationSeconds(@Root() run: Run): number | null {
    if (!run.startedAt) return null;
    return ((run.finishedAt ?? new Date()).getTime() - run.startedAt.getTime()) / 1000;
  }

  @FieldResolver(() => [Checkpoint], { description: 'By step.' })
  checkpoints(@Root() run: Run, @Ctx() ctx: Context): Promise<Checkpoint[]> {
    return runCheckpoints(ctx).load(run.id);
  }

  @FieldResolver(() => [JobAttempt], { description: 'Its jobs, newest first (a retry adds one).' })
  async jobs(@Root() run: Run, @Arg('first', () => Int, { defaultValue: 10 }) first: number, @Ctx() ctx: Context): Promise<JobAttempt[]> {
    const all = await runJobs(ctx).load(run.id);
    return all.slice(0, Math.max(0, Math.min(first, 100)));
  }

  @FieldResolver(() => String, { nullable: true, description: 'Name of the agent holding the latest job, if any.' })
  async latestJobAgentName(@Root() run: Run, @Ctx() ctx: Context): Promise<string | null> {
    const jobs = await runJobs(ctx).load(run.id);
    const owner = jobs[0]?.leaseOwner;
    return owner ? agentName(ctx).load(owner) : null;
  }

  @FieldResolver(() => [Evaluation])
  evaluations(
    @Root() run: Run,
    @Arg('filter', () => EvaluationFilter, { nullable: true }) filter: EvaluationFilter | undefined,
    @Ctx() ctx: Context,
  ): Promise<Evaluation[]> {
    return runEvaluations(ctx, filter).load(run.id);
  }
}

@Resolver(() => RunConnection)
export class RunConnectionResolver {
  @FieldResolver(() => Int, { description: 'Runs matching the filter across all pages.' })
  totalCount(@Root() connection: RunConnection): Promise<number> {
    return connection.countAll();
  }
}
