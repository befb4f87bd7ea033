import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsInt, IsOptional, IsUUID, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { RunMode } from '../run/run.enums.js';
import { MetricSelector } from '../metric/metric.input.js';

@InputType({ description: 'One cell of a sweep: its runs are the seeds.' })
export class GridCellInput {
  @Field(() => ID) @IsUUID('all') sweepId!: string;
  @Field(() => String) @MaxLength(50) modelSize!: string;
  @Field(() => Int, { description: 'K.' }) @IsInt() @Min(1) @Max(256) blocks!: number;
  @Field(() => RunMode) mode!: RunMode;
}

@ArgsType()
export class DepthProfileArgs {
  @Field(() => [ID], { nullable: true, description: 'The runs to aggregate; or give cell.' })
  @IsOptional() @ArrayMinSize(1) @ArrayMaxSize(200) @IsUUID('all', { each: true })
  runIds?: string[] | null;
  @Field(() => GridCellInput, { nullable: true }) @IsOptional() @ValidateNested() cell?: GridCellInput | null;
  @Field(() => MetricSelector) @ValidateNested() metric!: MetricSelector;
  @Field(() => Int, { nullable: true, description: 'Read values at or before this step (null: the latest).' }) @IsOptional() @IsInt() @Min(0) at?: number;
  @Field(() => Int, { nullable: true, description: "With runIds: read block depths at this K, one of every run's partitions (an E2E run of a sweep has each K of its sweep); null: each run's own K." })
  @IsOptional() @IsInt() @Min(1) @Max(256) partition?: number | null;
}
