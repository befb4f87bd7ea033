import { Field, ID, ObjectType } from 'type-graphql';
import { DateTimeScalar, JSONScalar } from '../common/scalars.js';
import { AgentStatus } from './agent.enums.js';

@ObjectType({ description: 'A daemon on a GPU (or CPU) host that claims and runs jobs.' })
export class Agent {
  @Field(() => ID) id!: string;
  @Field(() => String, { description: 'Unique; re-registering the same name updates the agent.' }) name!: string;
  @Field(() => String) host!: string;
  @Field(() => JSONScalar, { description: 'Device inventory as the agent reported it (GPUs, CPU, memory).' }) devices!: unknown;
  @Field(() => [String], { description: 'tfjs backends the agent can load, in preference order.' }) backends!: string[];
  @Field(() => JSONScalar, { description: 'Free-form key/value labels that job requirements can select on.' }) labels!: unknown;
  @Field(() => String, { nullable: true }) version!: string | null;
  @Field(() => AgentStatus) status!: AgentStatus;
  @Field(() => DateTimeScalar) lastHeartbeatAt!: Date;
  @Field(() => DateTimeScalar) createdAt!: Date;
  // currentJobs / currentJob: field resolvers in AgentResolver, batched per request.
}
