import { ArgsType, Field, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, IsIn, IsOptional, Max, MaxLength, Min } from 'class-validator';
import { JSONScalar } from '../common/scalars.js';
import { JobStatus } from './job.enums.js';

@InputType({ description: 'What an agent offers when claiming: matched against job.requirements { backends, labels, gpu, devices }.' })
export class CapabilitiesInput {
  @Field(() => [String], { defaultValue: [], description: 'Loadable backends in preference order.' })
  @ArrayMaxSize(32) @MaxLength(64, { each: true })
  backends!: string[];

  @Field(() => JSONScalar, { nullable: true, description: 'Free devices (a list); requirements.devices is a minimum count.' })
  @IsOptional()
  devices?: unknown;

  @Field(() => JSONScalar, { nullable: true, description: 'Labels (flat object) that must include every requirements.labels entry.' })
  @IsOptional()
  labels?: unknown;

  @Field(() => Boolean, { defaultValue: false, description: 'A GPU is available (requirements.gpu = true needs it).' })
  gpu!: boolean;
}

@ArgsType()
export class QueueArgs {
  @Field(() => [JobStatus], { nullable: true, description: 'Statuses to list (default QUEUED and RUNNING).' })
  @IsOptional() @IsIn(Object.values(JobStatus), { each: true })
  status?: JobStatus[];

  @Field(() => Int, { defaultValue: 100 }) @Min(1) @Max(500) first!: number;
  @Field(() => Int, { defaultValue: 0 }) @Min(0) @Max(1_000_000) offset!: number;
}
