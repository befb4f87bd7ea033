import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DepthUnit, EvaluationKind, SimilarityKind } from '../report/report.enums.js';
import { RunMode, RunStatus } from '../run/run.enums.js';
import { MetricSource } from '../metric/metric.input.js';

@ObjectType({ description: 'The metric as read, with every default filled in.' })
export class ResolvedMetricInfo {
  @Field(() => MetricSource) source!: MetricSource;
  @Field(() => String, { description: 'Training key, evaluation metric, or similarity kind.' }) key!: string;
  @Field(() => EvaluationKind, { nullable: true }) kind!: EvaluationKind | null;
  @Field(() => String, { nullable: true }) target!: string | null;
  @Field(() => String, { nullable: true }) dataset!: string | null;
  @Field(() => String, { nullable: true }) split!: string | null;
  @Field(() => DepthUnit, { nullable: true }) depthUnit!: DepthUnit | null;
  @Field(() => SimilarityKind, { nullable: true }) similarity!: SimilarityKind | null;
}

@ObjectType({ description: "One run's value in a cell (null when it has none yet)." })
export class SeedValue {
  @Field(() => ID) runId!: string;
  @Field(() => Int) seed!: number;
  @Field(() => RunStatus) status!: RunStatus;
  @Field(() => Float, { nullable: true }) value!: number | null;
  @Field(() => Int, { nullable: true, description: 'Step the value was recorded at.' }) step!: number | null;
  @Field(() => Int, { nullable: true, description: 'Block / depth the value was read at.' }) depth!: number | null;
}

@ObjectType({ description: 'Seed statistics: mean, sample std and the 95% Student-t interval of the mean (null below two values).' })
export class SeedStats {
  @Field(() => Int, { description: 'Values (seeds) aggregated.' }) n!: number;
  @Field(() => Float, { nullable: true }) mean!: number | null;
  @Field(() => Float, { nullable: true }) std!: number | null;
  @Field(() => Float, { nullable: true }) ciLow!: number | null;
  @Field(() => Float, { nullable: true }) ciHigh!: number | null;
}

@ObjectType({ description: 'One (model size, K, mode) cell of a sweep: statistics over its seeds.' })
export class GridCell extends SeedStats {
  @Field(() => String) modelSize!: string;
  @Field(() => Int) blocks!: number;
  @Field(() => RunMode) mode!: RunMode;
  @Field(() => Int, { description: 'Runs in the cell.' }) runs!: number;
  @Field(() => Int, { description: 'Runs without a value (any status).' }) missing!: number;
  @Field(() => Int) queued!: number;
  @Field(() => Int) running!: number;
  @Field(() => Int) failed!: number;
  @Field(() => Int) cancelled!: number;
  @Field(() => [SeedValue]) values!: SeedValue[];
}

@ObjectType({ description: 'A sweep as a grid of cells.' })
export class SweepGrid {
  @Field(() => ID) sweepId!: string;
  @Field(() => ResolvedMetricInfo) metric!: ResolvedMetricInfo;
  @Field(() => Int, { nullable: true, description: 'As asked (null: each run’s final block).' }) block!: number | null;
  @Field(() => Int, { nullable: true, description: 'As asked (null: the latest value).' }) at!: number | null;
  @Field(() => [String]) modelSizes!: string[];
  @Field(() => [Int]) blocks!: number[];
  @Field(() => [RunMode]) modes!: RunMode[];
  @Field(() => [Int]) seeds!: number[];
  @Field(() => [GridCell], { description: 'Ordered by model size, K, mode.' }) cells!: GridCell[];
}
