import { Field, ID, Int, ObjectType } from 'type-graphql';
import { ResolvedMetricInfo, SeedStats, SeedValue } from '../grid/grid.type.js';

@ObjectType({ description: 'The metric at one depth, over the runs (seeds).' })
export class DepthPoint extends SeedStats {
  @Field(() => Int, { description: 'Block (or layer) k; for SIMILARITY the pair (k, k + 1); 0 = whole model.' }) depth!: number;
  @Field(() => [SeedValue]) values!: SeedValue[];
}

@ObjectType({ description: 'A metric as a function of depth with its spread over seeds: where information becomes decodable.' })
export class DepthProfile {
  @Field(() => ResolvedMetricInfo) metric!: ResolvedMetricInfo;
  @Field(() => [ID]) runIds!: string[];
  @Field(() => Int, { nullable: true }) at!: number | null;
  @Field(() => [DepthPoint], { description: 'By depth.' }) points!: DepthPoint[];
}
