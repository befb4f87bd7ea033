import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { RunComparison } from './compare.type.js';
import { compareRuns } from './compare.service.js';

@Resolver()
export class CompareResolver {
  @Authorized('READER')
  @Query(() => RunComparison, { description: 'Two runs side by side: config fields that differ, final training metrics and latest evaluations per depth, with deltas b − a.' })
  compareRuns(
    @Arg('a', () => ID) a: string,
    @Arg('b', () => ID) b: string,
    @Arg('dataset', () => String, { nullable: true, description: 'Only evaluations on this evaluation set (e.g. folder/test, gratings/grid).' }) dataset: string | null | undefined,
    @Ctx() ctx: Context,
  ): Promise<RunComparison> {
    return compareRuns(ctx.app, a, b, dataset ?? null);
  }
}
