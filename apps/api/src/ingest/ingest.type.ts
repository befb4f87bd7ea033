import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'What a logMetrics call stored. accepted + duplicates = points sent.' })
export class LogMetricsResult {
  @Field(() => String) batchId!: string;
  @Field(() => Int, { description: 'Points stored by this call.' }) accepted!: number;
  @Field(() => Int, { description: 'Of the accepted points, those that replaced an earlier attempt\'s value after this attempt\'s resume step.' }) replaced!: number;
  @Field(() => Int, { description: 'Points already stored (a replay) or repeated within the batch: ignored, not errors.' }) duplicates!: number;
}
