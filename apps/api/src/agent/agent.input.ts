import { ArgsType, Field, Int } from 'type-graphql';
import { ArrayMaxSize, IsIn, IsOptional, Matches, MaxLength, Min, Max, MinLength } from 'class-validator';
import { JSONScalar } from '../common/scalars.js';
import { AgentStatus } from './agent.enums.js';

@ArgsType()
export class RegisterAgentArgs {
  @Field(() => String, { description: 'Unique agent name, e.g. the host name plus a suffix per daemon.' })
  @MinLength(1) @MaxLength(200) @Matches(/^[\w.@:/-]+$/, { message: 'name may contain letters, digits and . _ - @ : / only' })
  name!: string;

  @Field(() => String) @MinLength(1) @MaxLength(255) host!: string;

  @Field(() => JSONScalar, { nullable: true, description: 'Device inventory (a list of devices).' })
  @IsOptional()
  devices?: unknown;

  @Field(() => [String], { defaultValue: [] }) @ArrayMaxSize(32) @MaxLength(64, { each: true }) backends!: string[];

  @Field(() => JSONScalar, { nullable: true, description: 'Labels as a flat object of strings, numbers or booleans.' })
  @IsOptional()
  labels?: unknown;

  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) version?: string;
}

@ArgsType()
export class AgentsArgs {
  @Field(() => [AgentStatus], { nullable: true, description: 'Only agents in these states (default: all).' })
  @IsOptional() @IsIn(Object.values(AgentStatus), { each: true })
  status?: AgentStatus[];

  @Field(() => Int, { defaultValue: 100 }) @Min(1) @Max(500) first!: number;
}
