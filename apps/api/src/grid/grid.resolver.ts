import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { SweepGridArgs } from './grid.input.js';
import { SweepGrid } from './grid.type.js';
import { sweepGrid } from './grid.service.js';

@Resolver()
export class GridResolver {
  @Authorized('READER')
  @Query(() => SweepGrid, {
    description: 'A sweep as a grid: one cell per (model size, K, mode) with n, mean, std and the 95% t-interval over seeds, and counts of missing, queued, running, failed and cancelled runs.',
  })
  sweepGrid(@Args(() => SweepGridArgs) args: SweepGridArgs, @Ctx() ctx: Context): Promise<SweepGrid> {
    return sweepGrid(ctx.app, args);
  }
}
