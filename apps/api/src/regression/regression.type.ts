import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateTimeScalar, JSONScalar } from '../common/scalars.js';
import { ResolvedMetricInfo } from '../grid/grid.type.js';
import { RunMode } from '../run/run.enums.js';

export enum Direction {
  HIGHER_IS_BETTER = 'HIGHER_IS_BETTER',
  LOWER_IS_BETTER = 'LOWER_IS_BETTER',
}
registerEnumType(Direction, { name: 'Direction', description: 'Which way is better for a metric (accuracy: higher; loss: lower).' });

export enum Verdict {
  PASS = 'PASS',
  FAIL = 'FAIL',
  INSUFFICIENT_DATA = 'INSUFFICIENT_DATA',
}
registerEnumType(Verdict, {
  name: 'Verdict',
  description: 'FAIL: the candidate is worse by more than the allowed drop and the worsening is significant (the 95% Welch interval of the difference excludes zero). PASS otherwise. INSUFFICIENT_DATA: fewer than two values on a side.',
});

@ObjectType({ description: 'A named reference set of runs (a sweep, or explicit runs) that candidates are checked against.' })
export class Baseline {
  @Field(() => ID) id!: string;
  @Field(() => ID) projectId!: string;
  @Field(() => String) name!: string;
  @Field(() => ID, { nullable: true }) sweepId!: string | null;
  @Field(() => [ID], { description: 'Explicit runs (empty when the baseline is a sweep).' }) runIds!: string[];
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar) updatedAt!: Date;
  // project, sweep, runs, checks: BaselineResolver.
}

@ObjectType({ description: 'A grid cell (model size, K, mode).' })
export class CellKey {
  @Field(() => String) modelSize!: string;
  @Field(() => Int) blocks!: number;
  @Field(() => RunMode) mode!: RunMode;
}

@ObjectType({ description: 'One rule applied to one cell (or to all runs pooled).' })
export class RegressionVerdict {
  @Field(() => Int, { description: 'Index of the rule in the request.' }) ruleIndex!: number;
  @Field(() => String) rule!: string;
  @Field(() => ResolvedMetricInfo) metric!: ResolvedMetricInfo;
  @Field(() => Int, { nullable: true }) block!: number | null;
  @Field(() => CellKey, { nullable: true, description: 'null when the rule pools all runs.' }) cell!: CellKey | null;
  @Field(() => Verdict) verdict!: Verdict;
  @Field(() => String) message!: string;
  @Field(() => Int) candidateN!: number;
  @Field(() => Int) baselineN!: number;
  @Field(() => Float, { nullable: true }) candidateMean!: number | null;
  @Field(() => Float, { nullable: true }) baselineMean!: number | null;
  @Field(() => Float, { nullable: true }) candidateStd!: number | null;
  @Field(() => Float, { nullable: true }) baselineStd!: number | null;
  @Field(() => Float, { nullable: true, description: 'candidate − baseline.' }) delta!: number | null;
  @Field(() => Float, { nullable: true, description: '95% Welch interval of the delta.' }) ciLow!: number | null;
  @Field(() => Float, { nullable: true }) ciHigh!: number | null;
  @Field(() => Float, { nullable: true, description: 'Welch–Satterthwaite degrees of freedom.' }) df!: number | null;
  @Field(() => Float, { nullable: true, description: 'How much worse the candidate is (positive = worse, in the metric’s units).' }) drop!: number | null;
  @Field(() => Float, { nullable: true, description: 'The drop the rule allows, in the metric’s units.' }) allowedDrop!: number | null;
}

@ObjectType({ description: 'A recorded checkRegression.' })
export class RegressionReport {
  @Field(() => ID) id!: string;
  @Field(() => ID) baselineId!: string;
  @Field(() => String) baselineName!: string;
  @Field(() => Boolean, { description: 'Every verdict is PASS.' }) passed!: boolean;
  @Field(() => Int) failed!: number;
  @Field(() => Int) insufficient!: number;
  @Field(() => JSONScalar, { description: 'The candidate as given ({ sweepId } or { runIds }).' }) candidate!: unknown;
  @Field(() => [RegressionVerdict]) verdicts!: RegressionVerdict[];
  @Field(() => DateTimeScalar) createdAt!: Date;
}
