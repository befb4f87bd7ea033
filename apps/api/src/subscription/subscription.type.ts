import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
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
