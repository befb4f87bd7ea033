import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { Context } from '../context.js';
import { BadInputError } from '../errors/codes.js';
import { fenceFor } from '../job/fence.js';
import { MetricColumnsInput, MetricPointInput } from './ingest.input.js';
import { LogMetricsResult } from './ingest.type.js';
import { columnsFromInput, columnsFromPoints, logMetrics, MAX_POINTS_PER_CALL } from './ingest.service.js';

@Resolver()
export class IngestResolver {
  @Authorized('AGENT', 'ADMIN')
  @Mutation(() => LogMetricsResult, {
    description: `Store up to ${MAX_POINTS_PER_CALL} metric points of a job the caller holds, atomically and idempotently on (run, key, block, step). Send either columns (preferred) or points.`,
  })
  async logMetrics(
    @Arg('jobId', () => ID) jobId: string,
    @Arg('fencingToken', () => String) fencingToken: string,
    @Arg('batchId', () => String, { description: 'The sender\'s id for this batch (for logs and errors; replays may reuse it).' }) batchId: string,
    // Checked by hand in the service: class-validator over 50,000 objects would dominate the call.
    @Arg('columns', () => MetricColumnsInput, { nullable: true, validate: false }) columns: MetricColumnsInput | null,
    @Arg('points', () => [MetricPointInput], { nullable: true, validate: false }) points: MetricPointInput[] | null,
    @Ctx() ctx: Context,
  ): Promise<LogMetricsResult> {
    const fence = fenceFor(ctx.principal, jobId, fencingToken);
    if ((columns === null || columns === undefined) === (points === null || points === undefined)) {
      throw new BadInputError('send exactly one of columns or points', 'columns');
    }
    const batch = columns ? columnsFromInput(columns) : columnsFromPoints(points as MetricPointInput[]);
    const result = await logMetrics(ctx.app, fence, batchId, batch);
    return { batchId, accepted: result.accepted, replaced: result.replaced, duplicates: result.duplicates };
  }
}
