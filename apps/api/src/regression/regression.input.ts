import { ArgsType, Field, Float, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsInt, IsOptional, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { MetricSelector } from '../metric/metric.input.js';
import { NAME_MESSAGE, NAME_PATTERN } from '../project/project.input.js';
import { Direction } from './regression.type.js';

@InputType({ description: 'A set of runs: a sweep, or explicit runs (give one).' })
export class RunSetInput {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all') sweepId?: string;
  @Field(() => [ID], { nullable: true }) @IsOptional() @ArrayMinSize(1) @ArrayMaxSize(1000) @IsUUID('all', { each: true }) runIds?: string[];
}

@InputType({ description: 'The candidate may be worse than the baseline by at most maxDrop (absolute, or relative to the baseline mean).' })
export class RegressionRuleInput {
  @Field(() => String, { nullable: true, description: 'A label for reports.' }) @IsOptional() @MaxLength(200) name?: string;
  @Field(() => MetricSelector) @ValidateNested() metric!: MetricSelector;
  @Field(() => Int, { nullable: true, description: 'As in sweepGrid: null reads each run’s final block.' }) @IsOptional() @IsInt() @Min(0) @Max(32767) block?: number;
  @Field(() => Int, { nullable: true, description: 'Step to read at (null: latest).' }) @IsOptional() @IsInt() @Min(0) at?: number;
  @Field(() => Direction, { defaultValue: Direction.HIGHER_IS_BETTER }) direction: Direction = Direction.HIGHER_IS_BETTER;
  @Field(() => Float) @Min(0) maxDrop!: number;
  @Field(() => Boolean, { defaultValue: false, description: 'maxDrop is a fraction of |baseline mean|.' }) relative: boolean = false;
  @Field(() => Boolean, { defaultValue: true, description: 'Compare matching (model size, K, mode) cells; false pools every run of each side.' }) perCell: boolean = true;
}

@ArgsType()
export class SetBaselineArgs {
  @Field(() => String) @MaxLength(200) project!: string;
  @Field(() => String) @Matches(NAME_PATTERN, { message: NAME_MESSAGE }) name!: string;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all') sweepId?: string;
  @Field(() => [ID], { nullable: true }) @IsOptional() @ArrayMinSize(1) @ArrayMaxSize(1000) @IsUUID('all', { each: true }) runIds?: string[];
}

@ArgsType()
export class CheckRegressionArgs {
  @Field(() => String) @MaxLength(200) project!: string;
  @Field(() => String, { description: 'Baseline name.' }) @MaxLength(200) baseline!: string;
  @Field(() => RunSetInput) @ValidateNested() candidate!: RunSetInput;
  @Field(() => [RegressionRuleInput]) @ArrayMinSize(1) @ArrayMaxSize(50) @ValidateNested({ each: true }) rules!: RegressionRuleInput[];
}

@ArgsType()
export class RegressionChecksArgs {
  @Field(() => String) @MaxLength(200) project!: string;
  @Field(() => String) @MaxLength(200) baseline!: string;
  @Field(() => Int, { defaultValue: 20 }) @IsInt() @Min(1) @Max(500) first: number = 20;
}
