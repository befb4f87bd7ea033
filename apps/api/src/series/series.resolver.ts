import { Arg, Args, Authorized, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { MetricKeysArgs, MetricSeriesArgs } from './series.input.js';
import { MetricKeyInfo, MetricSeries, MetricSeriesColumns } from './series.type.js';
import { SeriesAttemptRange, seriesAttempts } from './attempts.js';
import { metricKeys, metricSeries, seriesRequest } from './series.service.js';

@Resolver()
export class SeriesResolver {
  @Authorized('READER')
  @Query(() => [MetricSeries], {
    description: 'Metric series of runs, downsampled on the server to at most maxPoints points each (min, max and last per power-of-two step bucket, read from rollups kept at ingestion; first and last step always kept; raw when the range holds at most maxPoints points). Ordered by run, key, block.',
  })
  metricSeries(@Args(() => MetricSeriesArgs) args: MetricSeriesArgs, @Ctx() ctx: Context): Promise<MetricSeries[]> {
    return metricSeries(ctx.app, seriesRequest(args));
  }

  @Authorized('READER')
  @Query(() => [MetricSeriesColumns], {
    description: 'metricSeries with each column (steps, values, mins, maxs, counts) as one scalar array: the same series, cheaper to serve and to parse.',
  })
  metricSeriesColumns(@Args(() => MetricSeriesArgs) args: MetricSeriesArgs, @Ctx() ctx: Context): Promise<MetricSeriesColumns[]> {
    return metricSeries(ctx.app, seriesRequest(args));
  }

  @Authorized('READER')
  @Query(() => [MetricKeyInfo], { description: 'The metric keys and blocks each run has logged, with their extent and last value.' })
  metricKeys(@Args(() => MetricKeysArgs) args: MetricKeysArgs, @Ctx() ctx: Context): Promise<MetricKeyInfo[]> {
    return metricKeys(ctx.app, args.runIds);
  }

  @Authorized('READER')
  @Query(() => [SeriesAttemptRange], {
    description: 'Which attempt wrote each step range of one series, in step order: a resumed attempt\'s points after its resume step replace the earlier attempt\'s.',
  })
  seriesAttempts(
    @Arg('runId', () => ID) runId: string,
    @Arg('key', () => String) key: string,
    @Arg('block', () => Int, { nullable: true, description: 'null = whole model.' }) block: number | null,
    @Ctx() ctx: Context,
  ): Promise<SeriesAttemptRange[]> {
    return seriesAttempts(ctx.app, runId, key, block);
  }
}
