// Two shapes for the same thing. The columnar one is what agents should send: 50,000 points as
// five flat lists parse several times faster than 50,000 objects (see bench/ingest.ts).
// Values are nullable on purpose: JSON cannot carry NaN or ±Infinity (JSON.stringify writes
// null), so a null value is how a non-finite value arrives — and it is refused by name.
import { Field, Float, InputType, Int } from 'type-graphql';

@InputType({ description: 'Metric points as parallel lists (one entry per point). Preferred for large batches.' })
export class MetricColumnsInput {
  @Field(() => [String], { description: 'Metric key per point, e.g. "loss/train".' }) keys!: string[];
  @Field(() => [Int], { nullable: 'itemsAndList', description: 'Encoder block per point; null (or the list omitted) = whole model.' })
  blocks?: Array<number | null> | null;
  @Field(() => [Int], { description: 'Training step per point (≥ 0).' }) steps!: number[];
  @Field(() => [Float], { nullable: 'items', description: 'Value per point; must be finite (NaN/±Infinity arrive as null and are refused).' })
  values!: Array<number | null>;
  @Field(() => [Float], { nullable: 'itemsAndList', description: 'Wall-clock time per point in milliseconds since the Unix epoch.' })
  wallTimes?: Array<number | null> | null;
}

@InputType({ description: 'One metric point (convenient for small batches).' })
export class MetricPointInput {
  @Field(() => String) key!: string;
  @Field(() => Int, { nullable: true, description: 'Encoder block; null = whole model.' }) block?: number | null;
  @Field(() => Int) step!: number;
  @Field(() => Float, { nullable: true, description: 'Must be finite; null (how JSON carries NaN/±Infinity) is refused.' }) value?: number | null;
  @Field(() => Float, { nullable: true, description: 'Milliseconds since the Unix epoch.' }) wallTime?: number | null;
}
