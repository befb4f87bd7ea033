import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import { IsInt, IsOptional, IsUUID, Matches, Max, MaxLength, Min } from 'class-validator';
import { JSONScalar } from '../common/scalars.js';
import { RunMode } from '../run/run.enums.js';
import { ID_PREFIX_MESSAGE, ID_PREFIX_PATTERN } from '../common/ids.js';

// A sweep's fields are checked by @stratum/run-config's sweep schema (normaliseSpec), the one the
// CLI checks sweep files with: no validation decorators here, so there is one set of rules.
@InputType({ description: 'The factors to cross. Each list needs at least one value and no repeats.' })
export class SweepFactorsInput {
  @Field(() => [String], { description: 'Trainer presets: nano, micro (CPU scale), tiny, small (the paper).' })
  modelSizes!: string[];

  @Field(() => [Int], { description: 'K values; each must divide the encoder depth (12 for tiny/small, 6 for nano/micro).' })
  blocks!: number[];

  @Field(() => [RunMode]) modes!: RunMode[];

  @Field(() => [Int]) seeds!: number[];
}

@InputType({ description: 'A sweep: a project, a name and the factors, expanded into one run and one queued TRAIN job per combination.' })
export class CreateSweepInput {
  @Field(() => String, { description: 'Project name (created when missing).' }) project!: string;
  @Field(() => String) name!: string;
  @Field(() => SweepFactorsInput) factors!: SweepFactorsInput;
  @Field(() => JSONScalar, { nullable: true, description: 'A @stratum/datasets spec, e.g. { "name": "moving-mnist", "count": 512 } (default: Moving MNIST for the CPU presets).' })
  dataset?: unknown;
  @Field(() => Int, { nullable: true, description: "Optimisation steps per parameter (default: the trainer's per preset)." })
  steps?: number;
  @Field(() => JSONScalar, { nullable: true, description: "The agent's evaluation settings, stored as the run config's `evaluation` key (e.g. { \"clips\": 256, \"everySteps\": 1000 })." })
  evaluation?: unknown;
  @Field(() => JSONScalar, { nullable: true, description: 'Trainer config overrides for every run (model, optimizer, batchSize, checkpointEvery, logEvery, backend).' })
  overrides?: unknown;
  @Field(() => JSONScalar, { nullable: true, description: 'What an agent must offer to claim the jobs: { backends?: [String], labels?: {…}, gpu?: Boolean, devices?: Int }.' })
  requirements?: unknown;
  @Field(() => Int, { defaultValue: 0, description: 'Higher is claimed first.' }) priority: number = 0;
  @Field(() => Int, { defaultValue: 3, description: 'Attempts per job before it fails for good.' }) maxAttempts: number = 3;
}

@ArgsType()
export class SweepArgs {
  @Field(() => ID, { nullable: true }) id?: string | null;
  @Field(() => String, { nullable: true, description: 'Sweep name; unique within a project.' }) @IsOptional() @MaxLength(200) name?: string | null;
  @Field(() => String, { nullable: true, description: 'Project name, with `name` (needed only when several projects have a sweep of that name).' })
  @IsOptional() @MaxLength(200) project?: string | null;
}

@ArgsType()
export class SweepsArgs {
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all') projectId?: string;
  @Field(() => String, { nullable: true, description: 'Project name.' }) @IsOptional() @MaxLength(200) project?: string;
  @Field(() => String, { nullable: true, description: 'Sweeps whose id starts with these hex digits (case-insensitive), for short ids typed by people.' })
  @IsOptional() @Matches(ID_PREFIX_PATTERN, { message: ID_PREFIX_MESSAGE }) idPrefix?: string;
  @Field(() => Int, { defaultValue: 100 }) @IsInt() @Min(1) @Max(1000) first: number = 100;
}
