import { ArgsType, Field, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { ArrayMaxSize, ArrayMinSize, IsInt, IsOptional, IsUUID, Matches, MaxLength, Min, ValidateNested, Max } from 'class-validator';
import { JSONScalar } from '../common/scalars.js';
import { DepthUnit, EvaluationKind } from '../report/report.enums.js';
import { RunMode, RunStatus, SortDirection } from './run.enums.js';
import { ID_PREFIX_MESSAGE, ID_PREFIX_PATTERN } from '../common/ids.js';

/** Hard ceiling of a page; the configured MAX_PAGE_SIZE may be lower. */
export const PAGE_SIZE_CEILING = 1000;
export const TAG_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:/=+-]{0,63}$/;

@InputType({ description: 'Config field equality: the value at a dotted path of the run config, e.g. { path: "optimizer.lr", equals: 0.001 }.' })
export class ConfigFieldFilter {
  @Field(() => String, { description: 'Dotted path; array elements by index ("model.tubelet.0").' })
  @Matches(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+){0,15}$/, { message: 'path must be dotted identifiers, e.g. optimizer.lr' })
  path!: string;

  @Field(() => JSONScalar, { nullable: true, description: 'JSON value the field must equal (numbers compare numerically); null matches a JSON null or a missing field.' })
  equals?: unknown;
}

@InputType({ description: 'Every given condition must hold; list conditions match any of their values.' })
export class RunFilter {
  @Field(() => [ID], { nullable: true }) @IsOptional() @ArrayMaxSize(1000) @IsUUID('all', { each: true }) ids?: string[];
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all') projectId?: string;
  @Field(() => String, { nullable: true, description: 'Project name.' }) @IsOptional() @MaxLength(200) project?: string | null;
  @Field(() => ID, { nullable: true }) @IsOptional() @IsUUID('all') sweepId?: string;
  @Field(() => [RunStatus], { nullable: true }) @IsOptional() status?: RunStatus[];
  @Field(() => [RunMode], { nullable: true }) @IsOptional() mode?: RunMode[];
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(100) modelSize?: string[];
  @Field(() => [Int], { nullable: true, description: 'K values: runs evaluated at any of them (a sweep\'s E2E run counts under every K of its sweep).' }) @IsOptional() @ArrayMaxSize(100) blocks?: number[];
  @Field(() => [Int], { nullable: true }) @IsOptional() @ArrayMaxSize(1000) seed?: number[];
  @Field(() => [String], { nullable: true, description: 'Runs carrying all of these tags.' }) @IsOptional() @ArrayMaxSize(32) tags?: string[];
  @Field(() => String, { nullable: true, description: 'Case-insensitive substring of the run name.' }) @IsOptional() @MaxLength(200) nameContains?: string;
  @Field(() => String, { nullable: true, description: 'Runs whose id starts with these hex digits (case-insensitive), for short ids typed by people.' })
  @IsOptional() @Matches(ID_PREFIX_PATTERN, { message: ID_PREFIX_MESSAGE }) idPrefix?: string;
  @Field(() => [ConfigFieldFilter], { nullable: true, description: 'Run config fields that must equal the given JSON values.' })
  @IsOptional() @ArrayMaxSize(20) @ValidateNested({ each: true })
  config?: ConfigFieldFilter[];
}

export enum RunOrderField {
  CREATED_AT = 'CREATED_AT',
  UPDATED_AT = 'UPDATED_AT',
  STARTED_AT = 'STARTED_AT',
  FINISHED_AT = 'FINISHED_AT',
  NAME = 'NAME',
  SEED = 'SEED',
}
registerEnumType(RunOrderField, { name: 'RunOrderField', description: 'STARTED_AT / FINISHED_AT sort runs that have not started / finished as the earliest.' });

@InputType()
export class RunOrder {
  @Field(() => RunOrderField, { defaultValue: RunOrderField.CREATED_AT }) field: RunOrderField = RunOrderField.CREATED_AT;
  @Field(() => SortDirection, { defaultValue: SortDirection.DESC }) direction: SortDirection = SortDirection.DESC;
}

@ArgsType()
export class RunsArgs {
  @Field(() => RunFilter, { nullable: true }) @IsOptional() @ValidateNested() filter?: RunFilter;
  @Field(() => RunOrder, { nullable: true }) @IsOptional() @ValidateNested() orderBy?: RunOrder;
  @Field(() => Int, { defaultValue: 50, description: 'Page size (at most the server limit, 500 by default).' })
  @IsInt() @Min(1) @Max(PAGE_SIZE_CEILING)
  first: number = 50;
  @Field(() => String, { nullable: true, description: 'endCursor of the previous page.' }) @IsOptional() @MaxLength(2000) after?: string;
}

@InputType({ description: 'Which evaluations of a run to list.' })
export class EvaluationFilter {
  @Field(() => [EvaluationKind], { nullable: true }) @IsOptional() kind?: EvaluationKind[];
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(50) metric?: string[];
  @Field(() => [String], { nullable: true }) @IsOptional() @ArrayMaxSize(50) target?: string[];
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(200) dataset?: string | null;
  @Field(() => DepthUnit, { nullable: true }) @IsOptional() depthUnit?: DepthUnit;
  @Field(() => Int, { nullable: true, description: 'Only this partition (K).' }) @IsOptional() @IsInt() partition?: number | null;
  @Field(() => Int, { nullable: true, description: 'Only this step.' }) @IsOptional() @IsInt() step?: number | null;
  @Field(() => Boolean, { defaultValue: false, description: 'Only the latest step of each (kind, metric, target, dataset, split, depth, partition).' })
  latestOnly: boolean = false;
}

@ArgsType()
export class RunTagsArgs {
  @Field(() => [ID]) @ArrayMinSize(1) @ArrayMaxSize(1000) @IsUUID('all', { each: true }) runIds!: string[];
  @Field(() => [String]) @ArrayMinSize(1) @ArrayMaxSize(32) @Matches(TAG_PATTERN, { each: true, message: 'tags are 1–64 characters of letters, digits and _.:/=+- starting with a letter or digit' })
  tags!: string[];
}

@ArgsType()
export class SetRunTagsArgs {
  @Field(() => ID) @IsUUID('all') runId!: string;
  @Field(() => [String]) @ArrayMaxSize(32) @Matches(TAG_PATTERN, { each: true, message: 'tags are 1–64 characters of letters, digits and _.:/=+- starting with a letter or digit' })
  tags!: string[];
}

@ArgsType()
export class SetRunNotesArgs {
  @Field(() => ID) @IsUUID('all') runId!: string;
  @Field(() => String, { nullable: true, description: 'Free text (Markdown); null clears.' }) @IsOptional() @MaxLength(20_000) notes?: string | null;
}

