import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { JSONScalar } from '../common/scalars.js';
import { JobStatus } from '../job/job.enums.js';
import { RunStatus } from '../run/run.enums.js';

@ObjectType({ description: 'A run changed status.' })
export class RunStatusEvent {
  @Field(() => ID) runId!: string;
  @Field(() => ID, { nullable: true }) sweepId!: string | null;
  @Field(() => RunStatus) status!: RunStatus;
  // run: SubscriptionResolver (the run as it is now).
}

@ObjectType()
export class MetricPointEvent {
  @Field(() => String) key!: string;
  @Field(() => Int, { nullable: true, description: 'null = whole model.' }) block!: number | null;
  @Field(() => Int) step!: number;
  @Field(() => Float) value!: number;
}

@ObjectType({ description: 'New metric points of a run (at most the latest 200 of a batch).' })
export class MetricPointsEvent {
  @Field(() => ID) runId!: string;
  @Field(() => [MetricPointEvent]) points!: MetricPointEvent[];
}

@ObjectType({ description: 'A job changed status (queued, claimed, finished, cancelled).' })
export class QueueEvent {
  @Field(() => ID) jobId!: string;
  @Field(() => ID) runId!: string;
  @Field(() => JobStatus) status!: JobStatus;
}

@ObjectType({ description: 'An agent heartbeat for the job it holds: it is alive, and how far the job has come.' })
export class AgentHeartbeatEvent {
  @Field(() => ID, { nullable: true }) agentId!: string | null;
  @Field(() => ID) jobId!: string;
  @Field(() => ID) runId!: string;
  @Field(() => JSONScalar, { nullable: true, description: 'The progress the agent reported (as on Job.progress).' }) progress!: unknown;
  @Field(() => String, { description: 'When the API received it (ISO 8601).' }) at!: string;
}
