import { Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, JSONScalar } from '../common/scalars.js';
import { RunMode } from '../run/run.enums.js';

@ObjectType({ description: 'The factors a sweep crosses; one run per combination.' })
export class SweepFactors {
  @Field(() => [String]) modelSizes!: string[];
  @Field(() => [Int], { description: 'K values (encoder blocks).' }) blocks!: number[];
  @Field(() => [RunMode]) modes!: RunMode[];
  @Field(() => [Int]) seeds!: number[];
}

@ObjectType({ description: 'A declared grid of runs: model sizes × K × modes × seeds.' })
export class Sweep {
  @Field(() => ID) id!: string;
  @Field(() => ID) projectId!: string;
  @Field(() => String) name!: string;
  @Field(() => JSONScalar, { description: 'The declared spec, normalised (factor values sorted, defaults filled).' }) spec!: unknown;
  @Field(() => String, { description: 'sha256 of the canonical spec: the same name and hash is the same sweep.' }) specHash!: string;
  @Field(() => DateTimeScalar) createdAt!: Date;
  // project, factors, runs, statusCounts: SweepResolver.
}

@ObjectType({ description: 'How many runs are in each state.' })
export class StatusCounts {
  @Field(() => Int) total!: number;
  @Field(() => Int) queued!: number;
  @Field(() => Int) running!: number;
  @Field(() => Int) succeeded!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Int) cancelled!: number;
}

@ObjectType()
export class CreateSweepPayload {
  @Field(() => Sweep) sweep!: Sweep;
  @Field(() => Boolean, { description: 'False when a sweep with this name and the same spec already existed (nothing new was queued).' }) created!: boolean;
}

@ObjectType()
export class CancelSweepPayload {
  @Field(() => Sweep) sweep!: Sweep;
  @Field(() => Int, { description: 'Runs moved to CANCELLED by this call.' }) cancelledRuns!: number;
  @Field(() => Int, { description: 'Running jobs asked to stop (their agents see it on the next heartbeat).' }) cancelRequested!: number;
}
