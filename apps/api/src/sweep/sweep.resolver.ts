import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context.js';
import { Project } from '../project/project.type.js';
import { projectById } from '../project/project.loaders.js';
import { parseId } from '../common/ids.js';
import { Run } from '../run/run.type.js';
import { cancelSweepRuns } from '../run/run.service.js';
import { BadInputError } from '../errors/codes.js';
import { CreateSweepInput, SweepArgs, SweepsArgs } from './sweep.input.js';
import { CancelSweepPayload, CreateSweepPayload, StatusCounts, Sweep, SweepFactors } from './sweep.type.js';
import { createSweep, factorsOf, listSweeps, requireSweep, sweepByName, sweepsByIds } from './sweep.service.js';
import { sweepRuns, sweepStatusCounts } from './sweep.loaders.js';

@Resolver(() => Sweep)
export class SweepResolver {
  @Authorized('WRITER')
  @Mutation(() => CreateSweepPayload, {
    description: 'Declare a sweep: one run and one queued TRAIN job per (model size, K, mode, seed). Idempotent: the same name and spec returns the existing sweep; a different spec under an existing name is a CONFLICT.',
  })
  createSweep(@Arg('input', () => CreateSweepInput) input: CreateSweepInput, @Ctx() ctx: Context): Promise<CreateSweepPayload> {
    return createSweep(ctx.app, input);
  }

  @Authorized('WRITER')
  @Mutation(() => CancelSweepPayload, { description: "Cancel every run of the sweep that is still queued or running." })
  async cancelSweep(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<CancelSweepPayload> {
    const sweepId = parseId(id, 'id');
    const counts = await cancelSweepRuns(ctx.app, sweepId);
    return { sweep: await requireSweep(ctx.app, sweepId), ...counts };
  }

  @Authorized('READER')
  @Query(() => Sweep, { nullable: true, description: 'A sweep by id, or by name (with project when several projects use the name); null when there is none.' })
  async sweep(@Args(() => SweepArgs) args: SweepArgs, @Ctx() ctx: Context): Promise<Sweep | null> {
    const hasId = args.id !== undefined && args.id !== null;
    const hasName = args.name !== undefined && args.name !== null;
    if (hasId === hasName) throw new BadInputError('give either id or name (with an optional project) to find a sweep', hasId ? 'name' : 'id');
    if (hasId) {
      if (args.project !== undefined && args.project !== null) throw new BadInputError('project goes with name, not with id', 'project');
      return (await sweepsByIds(ctx.app, [parseId(args.id as string, 'id')]))[0] ?? null;
    }
    return sweepByName(ctx.app, args.name as string, args.project);
  }

  @Authorized('READER')
  @Query(() => [Sweep], { description: 'Sweeps, newest first, optionally of one project (by id or name).' })
  sweeps(@Args(() => SweepsArgs) args: SweepsArgs, @Ctx() ctx: Context): Promise<Sweep[]> {
    return listSweeps(ctx.app, args);
  }

  @FieldResolver(() => Project)
  async project(@Root() sweep: Sweep, @Ctx() ctx: Context): Promise<Project> {
    return (await projectById(ctx).load(sweep.projectId))!;
  }

  @FieldResolver(() => SweepFactors)
  factors(@Root() sweep: Sweep): SweepFactors {
    return factorsOf(sweep);
  }

  @FieldResolver(() => [Run], { description: 'Every run of the sweep, in factor order (model size, K, mode, seed).' })
  runs(@Root() sweep: Sweep, @Ctx() ctx: Context): Promise<Run[]> {
    return sweepRuns(ctx).load(sweep.id);
  }

  @FieldResolver(() => StatusCounts)
  statusCounts(@Root() sweep: Sweep, @Ctx() ctx: Context): Promise<StatusCounts> {
    return sweepStatusCounts(ctx).load(sweep.id);
  }
}
