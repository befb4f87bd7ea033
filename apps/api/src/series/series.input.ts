import { ArgsType, Field, ID, Int } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsInt, IsOptional, IsUUID, Max, MaxLength, Min } from 'class-validator';

export const MAX_SERIES = 600;
export const MAX_POINTS_PER_SERIES = 100_000;
/** Series × maxPoints: bounds the response even when every series is raw. */
export const MAX_TOTAL_POINTS = 5_000_000;

@ArgsType()
export class MetricSeriesArgs {
  @Field(() => [ID]) @ArrayMinSize(1) @ArrayMaxSize(200) @IsUUID('all', { each: true }) runIds!: string[];
  @Field(() => [String], { description: 'Metric keys, e.g. loss, lr, grad_norm.' }) @ArrayMinSize(1) @ArrayMaxSize(50) @MaxLength(200, { each: true })
  keys!: string[];
  @Field(() => [Int], { nullable: 'itemsAndList', description: 'Blocks to read (null = whole model). Omitted: every block each run has logged for the key.' })
  @IsOptional() @ArrayMaxSize(64)
  blocks?: Array<number | null>;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) fromStep?: number;
  @Field(() => Int, { nullable: true }) @IsOptional() @IsInt() @Min(0) toStep?: number;
  @Field(() => Int, { defaultValue: 1000, description: `Most points per series (2..${MAX_POINTS_PER_SERIES}).` })
  @IsInt() @Min(2) @Max(MAX_POINTS_PER_SERIES)
  maxPoints: number = 1000;
}

@ArgsType()
export class MetricKeysArgs {
  @Field(() => [ID]) @ArrayMinSize(1) @ArrayMaxSize(200) @IsUUID('all', { each: true }) runIds!: string[];
}
