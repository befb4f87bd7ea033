import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar } from '../common/scalars.js';
import { SimilarityKind } from '../report/report.enums.js';

@ObjectType({ description: 'A representational similarity matrix (CKA) between blocks, row-major.' })
export class SimilarityMatrix {
  @Field(() => ID) id!: string;
  @Field(() => ID) runId!: string;
  @Field(() => ID, { nullable: true, description: 'Set for cross-run matrices: rows from runId, columns from otherRunId.' }) otherRunId!: string | null;
  @Field(() => SimilarityKind) kind!: SimilarityKind;
  @Field(() => Int) step!: number;
  @Field(() => String) dataset!: string;
  @Field(() => Int, { description: 'K of the partition its block labels refer to.' }) partition!: number;
  @Field(() => [String]) rowLabels!: string[];
  @Field(() => [String]) colLabels!: string[];
  @Field(() => [Float], { description: 'rows × cols values, row-major.' }) values!: number[];
  @Field(() => DateTimeScalar) createdAt!: Date;
  // rows, cols, matrix, steps: SimilarityResolver.
}

@ObjectType({ description: 'Patch-level and geometry diagnostics of one block at one step.' })
export class PatchDiagnostic {
  @Field(() => ID) id!: string;
  @Field(() => ID) runId!: string;
  @Field(() => Int) step!: number;
  @Field(() => String) dataset!: string;
  @Field(() => Int) block!: number;
  @Field(() => Int, { description: 'K of the partition the block counts in.' }) partition!: number;
  @Field(() => Float, { nullable: true, description: "Mean off-diagonal cosine between a clip's standardised tokens (over-smoothing)." }) tokenCosine!: number | null;
  @Field(() => Float, { nullable: true, description: 'OccDrop = (Acc_full − Acc_occluded) / Acc_full.' }) occDrop!: number | null;
  @Field(() => Float, { nullable: true }) effectiveRank!: number | null;
  @Field(() => Float, { nullable: true }) participationRatio!: number | null;
  @Field(() => Float, { nullable: true }) isotropy!: number | null;
  @Field(() => Float, { nullable: true }) uniformity!: number | null;
  @Field(() => Float, { nullable: true }) tokenNormMean!: number | null;
  @Field(() => Float, { nullable: true }) tokenNormStd!: number | null;
  @Field(() => Float, { nullable: true }) tokenNormMax!: number | null;
  @Field(() => Float, { nullable: true }) attentionDistance!: number | null;
  @Field(() => Float, { nullable: true }) attentionDistanceSpatial!: number | null;
  @Field(() => Float, { nullable: true }) attentionDistanceTemporal!: number | null;
  @Field(() => [Float], { description: 'Mean reconstruction error per token position, row-major over reconstructionGrid (t, h, w).' }) reconstructionError!: number[];
  @Field(() => [Int]) reconstructionGrid!: number[];
  @Field(() => DateTimeScalar) createdAt!: Date;
}
