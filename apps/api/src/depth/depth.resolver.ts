import { Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { DepthProfileArgs } from './depth.input.js';
import { DepthProfile } from './depth.type.js';
import { depthProfile } from './depth.service.js';

@Resolver()
export class DepthResolver {
  @Authorized('READER')
  @Query(() => DepthProfile, { description: 'A metric per block (or layer) over a set of runs or a sweep cell, with mean, std and 95% t-interval over the runs at each depth.' })
  depthProfile(@Args(() => DepthProfileArgs) args: DepthProfileArgs, @Ctx() ctx: Context): Promise<DepthProfile> {
    return depthProfile(ctx.app, args);
  }
}
