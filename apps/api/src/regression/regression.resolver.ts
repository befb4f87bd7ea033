import { Arg, Args, Authorized, Ctx, FieldResolver, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../context.js';
import { NotFoundError } from '../errors/codes.js';
import { Project } from '../project/project.type.js';
import { projectById } from '../project/project.loaders.js';
import { Run } from '../run/run.type.js';
import { runById } from '../run/run.loaders.js';
import { Sweep } from '../sweep/sweep.type.js';
import { sweepById } from '../sweep/sweep.loaders.js';
import { CheckRegressionArgs, RegressionChecksArgs, SetBaselineArgs } from './regression.input.js';
import { Baseline, RegressionReport } from './regression.type.js';
import { checkRegression, getBaseline, listBaselines, regressionChecks, setBaseline } from './regression.service.js';
import { baselineChecks, baselineRuns } from './regression.loaders.js';

@Resolver(() => Baseline)
export class RegressionResolver {
  @Authorized('WRITER')
  @Mutation(() => Baseline, { description: 'Create or move a named baseline: a sweep, or explicit runs, of the project.' })
  setBaseline(@Args(() => SetBaselineArgs) args: SetBaselineArgs, @Ctx() ctx: Context): Promise<Baseline> {
    return setBaseline(ctx.app, args);
  }

  @Authorized('READER')
  @Query(() => [Baseline], { description: "A project's baselines by name." })
  baselines(@Arg('project', () => String) project: string, @Ctx() ctx: Context): Promise<Baseline[]> {
    return listBaselines(ctx.app, project);
  }

  @Authorized('READER')
  @Query(() => Baseline, { nullable: true })
  baseline(@Arg('project', () => String) project: string, @Arg('name', () => String) name: string, @Ctx() ctx: Context): Promise<Baseline | null> {
    return getBaseline(ctx.app, project, name);
  }

  @Authorized('WRITER')
  @Mutation(() => RegressionReport, {
    description: 'Check a candidate (sweep or runs) against a baseline, rule by rule and cell by cell, with Welch intervals over seeds; the report is stored.',
  })
  checkRegression(@Args(() => CheckRegressionArgs) args: CheckRegressionArgs, @Ctx() ctx: Context): Promise<RegressionReport> {
    return checkRegression(ctx.app, args);
  }

  @Authorized('READER')
  @Query(() => [RegressionReport], { description: 'Recorded checks against a baseline, newest first.' })
  async regressionChecks(@Args(() => RegressionChecksArgs) args: RegressionChecksArgs, @Ctx() ctx: Context): Promise<RegressionReport[]> {
    const baseline = await getBaseline(ctx.app, args.project, args.baseline);
    if (!baseline) throw new NotFoundError(`baseline in project ${JSON.stringify(args.project)}`, args.baseline);
    return (await regressionChecks(ctx.app, [baseline.id], args.first))[0]!;
  }

  @FieldResolver(() => Project)
  async project(@Root() baseline: Baseline, @Ctx() ctx: Context): Promise<Project> {
    return (await projectById(ctx).load(baseline.projectId))!;
  }

  @FieldResolver(() => Sweep, { nullable: true })
  sweep(@Root() baseline: Baseline, @Ctx() ctx: Context): Promise<Sweep | null> {
    return baseline.sweepId ? sweepById(ctx).load(baseline.sweepId) : Promise.resolve(null);
  }

  @FieldResolver(() => [Run], { description: 'The runs the baseline stands for now.' })
  async runs(@Root() baseline: Baseline, @Ctx() ctx: Context): Promise<Run[]> {
    const ids = await baselineRuns(ctx).load(baseline.id);
    const runs = await runById(ctx).loadMany(ids);
    return runs.filter((r): r is Run => r !== null && !(r instanceof Error));
  }

  @FieldResolver(() => [RegressionReport], { description: 'Recorded checks, newest first.' })
  checks(@Root() baseline: Baseline, @Arg('first', () => Int, { defaultValue: 20 }) first: number, @Ctx() ctx: Context): Promise<RegressionReport[]> {
    const n = Math.max(1, Math.min(first, 500));
    return baselineChecks(ctx, n).load(baseline.id);
  }
}
