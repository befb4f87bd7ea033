import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { ArrayMaxSize, IsOptional, Max, MaxLength, Min, MinLength } from 'class-validator';
import { DepthUnit, EvaluationKind, SimilarityKind } from './report.enums.js';

@InputType({ description: 'One evaluation result; re-reporting the same (step, kind, metric, target, dataset, split, depthUnit, depth, partition) replaces it.' })
export class EvaluationInput {
  @Field(() => Int) @Min(0) step!: number;
  @Field(() => EvaluationKind) kind!: EvaluationKind;
  @Field(() => String, { description: 'What was computed: accuracy, mAP, hit@1, effective_rank, …' }) @MinLength(1) @MaxLength(100) metric!: string;
  @Field(() => String, { description: 'Label family or task: digit, direction, orientation, …' }) @MinLength(1) @MaxLength(100) target!: string;
  @Field(() => String) @MinLength(1) @MaxLength(200) dataset!: string;
  @Field(() => String, { defaultValue: 'eval' }) @MinLength(1) @MaxLength(50) split!: string;
  @Field(() => DepthUnit, { defaultValue: DepthUnit.BLOCK }) depthUnit!: DepthUnit;
  @Field(() => Int, { defaultValue: 0 }) @Min(0) @Max(10_000) depth!: number;
  @Field(() => Int, { nullable: true, description: "K of the partition whose block boundaries a BLOCK depth counts; one of the run's partitions (default: the run's K)." })
  @IsOptional()
  @Min(1)
  @Max(10_000)
  partition?: number | null;
  @Field(() => Float) value!: number;
  @Field(() => Float, { nullable: true }) @IsOptional() std?: number | null;
  @Field(() => Float, { nullable: true }) @IsOptional() ciLow?: number | null;
  @Field(() => Float, { nullable: true }) @IsOptional() ciHigh?: number | null;
  @Field(() => [Float], { defaultValue: [], description: 'Per-fold values of a cross-validated estimate.' }) @ArrayMaxSize(100) folds!: number[];
  @Field(() => Int, { nullable: true, description: 'Sample count behind the value.' }) @IsOptional() @Min(0) n?: number | null;
}

@InputType({ description: 'A similarity matrix (rows × cols, row-major). Re-reporting the same (otherRun, kind, step, dataset, partition) replaces it.' })
export class SimilarityInput {
  @Field(() => SimilarityKind) kind!: SimilarityKind;
  @Field(() => Int) @Min(0) step!: number;
  @Field(() => String) @MinLength(1) @MaxLength(200) dataset!: string;
  @Field(() => ID, { nullable: true, description: 'For cross-run matrices (COMPARE jobs): the job\'s other run; columns come from it.' })
  @IsOptional()
  otherRunId?: string | null;
  @Field(() => Int, { nullable: true, description: "K of the partition whose block boundaries the block labels (B1…BK) counts; one of the run's partitions (default: the run's K)." })
  @IsOptional()
  @Min(1)
  @Max(10_000)
  partition?: number | null;
  @Field(() => [String]) @ArrayMaxSize(4096) @MaxLength(100, { each: true }) rowLabels!: string[];
  @Field(() => [String]) @ArrayMaxSize(4096) @MaxLength(100, { each: true }) colLabels!: string[];
  @Field(() => [Float], { description: 'rowLabels.length × colLabels.length values, row-major; all finite.' }) values!: number[];
}

@InputType({ description: 'Patch-level diagnostics of one block; re-reporting the same (step, dataset, block, partition) replaces them.' })
export class PatchDiagnosticInput {
  @Field(() => Int) @Min(0) step!: number;
  @Field(() => String) @MinLength(1) @MaxLength(200) dataset!: string;
  @Field(() => Int, { description: '0 = whole model / input, 1..K = encoder blocks.' }) @Min(0) @Max(10_000) block!: number;
  @Field(() => Int, { nullable: true, description: "K of the partition whose block boundaries block counts; one of the run's partitions (default: the run's K)." })
  @IsOptional()
  @Min(1)
  @Max(10_000)
  partition?: number | null;
  @Field(() => Float, { nullable: true }) @IsOptional() tokenCosine?: number | null;
  @Field(() => Float, { nullable: true }) @IsOptional() occDrop?: number | null;
  @Field(() => Float, { nullable: true }) @IsOptional() effectiveRank?: number | null;
  @Field(() => Float, { nullable: true }) @IsOptional() participationRatio?: number | null;
  @Field(() => Float, { nullable: true }) @IsOptional() isotropy?: number | null;
  @Field(() => Float, { nullable: true }) @IsOptional() uniformity?: number | null;
  @Field(() => Float, { nullable: true }) @IsOptional() tokenNormMean?: number | null;
  @Field(() => Float, { nullable: true }) @IsOptional() tokenNormStd?: number | null;
  @Field(() => Float, { nullable: true }) @IsOptional() tokenNormMax?: number | null;
  @Field(() => Float, { nullable: true }) @IsOptional() attentionDistance?: number | null;
  @Field(() => Float, { nullable: true }) @IsOptional() attentionDistanceSpatial?: number | null;
  @Field(() => Float, { nullable: true }) @IsOptional() attentionDistanceTemporal?: number | null;
  @Field(() => [Float], { defaultValue: [], description: 'Mean reconstruction error per token position, row-major over reconstructionGrid.' })
  @ArrayMaxSize(100_000)
  reconstructionError!: number[];
  @Field(() => [Int], { defaultValue: [], description: 'The (t, h, w) token grid of reconstructionError.' }) @ArrayMaxSize(3) reconstructionGrid!: number[];
}
