// Live updates for the dashboard over graphql-ws: run status changes (optionally of one sweep or
// run), new metric points of a run, queue changes and agent heartbeats. Events come from Postgres NOTIFY, so every
// API replica delivers every event.
import { Arg, Authorized, Ctx, FieldResolver, ID, Resolver, Root, Subscription } from 'type-graphql';
import type { Context } from '../context.js';
import { Topics } from '../events/pubsub.js';
import { parseId } from '../common/ids.js';
import { Run } from '../run/run.type.js';
import { runById } from '../run/run.loaders.js';
import { AgentHeartbeatEvent, MetricPointsEvent, QueueEvent, RunStatusEvent } from './subscription.type.js';

interface StatusArgs { sweepId?: string | null; runId?: string | null }
interface MetricArgs { runId: string; keys?: string[] | null }

@Resolver(() => RunStatusEvent)
export class SubscriptionResolver {
  @Authorized('READER')
  @Subscription(() => RunStatusEvent, {
    description: 'Run status changes, optionally only of one sweep and/or one run.',
    topics: Topics.runStatus,
    filter: ({ payload, args }: { payload: RunStatusEvent; args: StatusArgs }) =>
      (!args.sweepId || payload.sweepId === args.sweepId.toLowerCase()) && (!args.runId || payload.runId === args.runId.toLowerCase()),
  })
  runStatusChanged(
    @Root() event: RunStatusEvent,
    @Arg('sweepId', () => ID, { nullable: true }) _sweepId?: string,
    @Arg('runId', () => ID, { nullable: true }) _runId?: string,
  ): RunStatusEvent {
    return event;
  }

  @Authorized('READER')
  @Subscription(() => MetricPointsEvent, {
    description: 'New metric points of one run as the agent logs them, optionally only some keys.',
    topics: ({ args }: { args: MetricArgs }) => Topics.runMetrics(parseId(args.runId, 'runId')),
    filter: ({ payload, args }: { payload: MetricPointsEvent; args: MetricArgs }) => !args.keys || payload.points.some((p) => args.keys!.includes(p.key)),
  })
  metricPoints(
    @Root() event: MetricPointsEvent,
    @Arg('runId', () => ID) _runId: string,
    @Arg('keys', () => [String], { nullable: true }) keys?: string[],
  ): MetricPointsEvent {
    return keys ? { runId: event.runId, points: event.points.filter((p) => keys.includes(p.key)) } : event;
  }

  @Authorized('READER')
  @Subscription(() => QueueEvent, { description: 'Job status changes across the queue.', topics: Topics.queue })
  queueChanged(@Root() event: QueueEvent): QueueEvent {
    return event;
  }

  @Authorized('READER')
  @Subscription(() => AgentHeartbeatEvent, { description: 'Agent heartbeats (one per heartbeat of a held job), with the progress reported.', topics: Topics.agentHeartbeat })
  agentHeartbeat(@Root() event: AgentHeartbeatEvent): AgentHeartbeatEvent {
    return event;
  }

  @FieldResolver(() => Run, { nullable: true, description: 'The run as it is now.' })
  run(@Root() event: RunStatusEvent, @Ctx() ctx: Context): Promise<Run | null> {
    return runById(ctx).load(event.runId);
  }
}
