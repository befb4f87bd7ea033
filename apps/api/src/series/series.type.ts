import { Field, ID, Int, Float, ObjectType } from 'type-graphql';
import { FloatColumnScalar, IntColumnScalar } from './column.scalars.js';

@ObjectType({
  description: `One metric series of one run, as parallel arrays (one entry per point).
Raw when the range holds at most maxPoints points (mins, maxs and counts are then null).
Otherwise downsampled: the first point of the range on its own, then the rest split into
step buckets of 2^L steps starting at multiples of 2^L (the smallest L giving at most
maxPoints − 1 buckets); each non-empty bucket gives its last step and the value there, with the
bucket's min, max and point count. The first and last step are always present.`,
})
export class MetricSeries {
  @Field(() => ID) runId!: string;
  @Field(() => String) key!: string;
  @Field(() => Int, { nullable: true, description: 'Encoder block k, or null for the whole model.' }) block!: number | null;
  @Field(() => Boolean) downsampled!: boolean;
  @Field(() => Int, { description: 'Points stored in the requested step range.' }) pointCount!: number;
  @Field(() => [Int]) steps!: number[];
  @Field(() => [Float], { description: 'The value at each step (the last value of each bucket).' }) values!: number[];
  @Field(() => [Float], { nullable: true, description: 'Bucket minima (null when raw).' }) mins!: number[] | null;
  @Field(() => [Float], { nullable: true, description: 'Bucket maxima (null when raw).' }) maxs!: number[] | null;
  @Field(() => [Int], { nullable: true, description: 'Points per bucket (null when raw).' }) counts!: number[] | null;
}

@ObjectType({
  description: `The same series as MetricSeries (same bucketing, same order), with each column sent
as one scalar (a JSON array of numbers) rather than a list: the server does not complete one
value per point, so large or many series cost little more than their bytes. Prefer it for charts
and exports.`,
})
export class MetricSeriesColumns {
  @Field(() => ID) runId!: string;
  @Field(() => String) key!: string;
  @Field(() => Int, { nullable: true, description: 'Encoder block k, or null for the whole model.' }) block!: number | null;
  @Field(() => Boolean) downsampled!: boolean;
  @Field(() => Int, { description: 'Points stored in the requested step range.' }) pointCount!: number;
  @Field(() => IntColumnScalar) steps!: number[];
  @Field(() => FloatColumnScalar, { description: 'The value at each step (the last value of each bucket).' }) values!: number[];
  @Field(() => FloatColumnScalar, { nullable: true, description: 'Bucket minima (null when raw).' }) mins!: number[] | null;
  @Field(() => FloatColumnScalar, { nullable: true, description: 'Bucket maxima (null when raw).' }) maxs!: number[] | null;
  @Field(() => IntColumnScalar, { nullable: true, description: 'Points per bucket (null when raw).' }) counts!: number[] | null;
}

@ObjectType({ description: 'A metric a run has logged, with its blocks and extent.' })
export class MetricKeyInfo {
  @Field(() => ID) runId!: string;
  @Field(() => String) key!: string;
  @Field(() => Int, { nullable: true, description: 'null = whole model.' }) block!: number | null;
  @Field(() => Int) firstStep!: number;
  @Field(() => Int) lastStep!: number;
  @Field(() => Float, { description: 'The value at lastStep.' }) lastValue!: number;
}
