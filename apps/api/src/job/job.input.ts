import { ArgsType, Field, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, IsIn, IsInt, IsOptional, Max, MaxLength, Min } from 'class-validator';
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

@InputType({ description: 'Where training became non-finite (sent with failJob): the run FAILS as diverged, never retried.' })
export class DivergenceInput {
  @Field(() => Int, { description: 'The global step whose loss (or gradient norm) was non-finite.' })
  @IsInt() @Min(0)
  step!: number;

  @Field(() => Int, { nullable: true, description: 'The 1-based block whose loss it was; null = the whole model (E2E).' })
  @IsOptional() @IsInt() @Min(1) @Max(32_767)
  block?: number | null;

  @Field(() => String, { description: '"loss" or "gradient norm".' })
  @IsIn(['loss', 'gradient norm'])
  quantity!: 'loss' | 'gradient norm';

  @Field(() => String, { description: '"NaN", "Infinity" or "-Infinity" (JSON carries no non-finite numbers).' })
  @IsIn(['NaN', 'Infinity', '-Infinity'])
  value!: 'NaN' | 'Infinity' | '-Infinity';
}
