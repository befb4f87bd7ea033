import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'What a report stored.' })
export class ReportResult {
  @Field(() => ID) runId!: string;
  @Field(() => Int, { description: 'Rows written (inserted or replaced).' }) stored!: number;
  @Field(() => Int, { description: 'Of those, how many replaced an earlier report of the same key.' }) replaced!: number;
}
