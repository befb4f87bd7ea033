import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../common/scalars.js';

@ObjectType({ description: 'A research project: the namespace of sweeps, runs and baselines.' })
export class Project {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { nullable: true }) description!: string | null;
  @Field(() => DateTimeScalar) createdAt!: Date;
  // sweeps, runCount, baselines: ProjectResolver.
}
