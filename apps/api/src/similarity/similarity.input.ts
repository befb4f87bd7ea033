import { ArgsType, Field, ID, Int } from 'type-graphql';
import { IsInt, IsOptional, IsUUID, MaxLength, Min } from 'class-validator';
import { SimilarityKind } from '../report/report.enums.js';

@ArgsType()
export class SimilarityArgs {
  @Field(() => ID) @IsUUID('all') runId!: string;
  @Field(() => SimilarityKind, { defaultValue: 'LINEAR_CKA' }) kind: SimilarityKind = 'LINEAR_CKA';
  @Field(() => Int, { nullable: true, description: 'Null: the latest step.' }) @IsOptional() @IsInt() @Min(0) step?: number;
  @Field(() => String, { nullable: true, description: 'Null: any (the first by name when the run has several).' }) @IsOptional() @MaxLength(200) dataset?: string;
  @Field(() => ID, { nullable: true, description: 'For a cross-run matrix (rows from runId, columns from otherRunId).' }) @IsOptional() @IsUUID('all') otherRunId?: string;
  @Field(() => Int, { nullable: true, description: "K of the partition whose blocks are wanted (an E2E run of a sweep has every K of the sweep). Null: the run's K." }) @IsOptional() @IsInt() @Min(1) partition?: number;
}

@ArgsType()
export class PatchDiagnosticsArgs {
  @Field(() => ID) @IsUUID('all') runId!: string;
  @Field(() => Int, { nullable: true, description: 'Null: the latest step with diagnostics.' }) @IsOptional() @IsInt() @Min(0) step?: number;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(200) dataset?: string;
  @Field(() => Int, { nullable: true, description: "K of the partition whose blocks are wanted (an E2E run of a sweep has every K of the sweep). Null: the run's K." }) @IsOptional() @IsInt() @Min(1) partition?: number;
}
