import { ArgsType, Field, ID, Int } from 'type-graphql';
import { IsInt, IsOptional, IsUUID, Max, Min, ValidateNested } from 'class-validator';
import { MetricSelector } from '../metric/metric.input.js';

@ArgsType()
export class SweepGridArgs {
  @Field(() => ID) @IsUUID('all') sweepId!: string;
  @Field(() => MetricSelector) @ValidateNested() metric!: MetricSelector;
  @Field(() => Int, {
    nullable: true,
    description: 'TRAINING: block (0 = whole model); EVALUATION: depth; SIMILARITY: the pair (block, block + 1). Null: each run’s final one (E2E whole-model loss or block K; pair K−1, K).',
  })
  @IsOptional() @IsInt() @Min(0) @Max(32767)
  block?: number;
  @Field(() => Int, { nullable: true, description: 'Read the last value at or before this step (null: the latest).' })
  @IsOptional() @IsInt() @Min(0)
  at?: number;
}
