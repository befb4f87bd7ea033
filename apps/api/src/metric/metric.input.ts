import { Field, InputType, registerEnumType } from 'type-graphql';
import { IsOptional, MaxLength } from 'class-validator';
import { DepthUnit, EvaluationKind, SimilarityKind } from '../report/report.enums.js';

export enum MetricSource {
  TRAINING = 'TRAINING',
  EVALUATION = 'EVALUATION',
  SIMILARITY = 'SIMILARITY',
}
registerEnumType(MetricSource, {
  name: 'MetricSource',
  description: 'TRAINING: a logged metric (the last point at or before the step). EVALUATION: an evaluation result. SIMILARITY: an entry of a within-run similarity matrix between consecutive blocks (k, k+1).',
});

@InputType({
  description: `What to read per run. TRAINING uses key (default "loss"); EVALUATION uses kind, key as the
evaluation metric (default: accuracy for probes, mAP for retrieval, mse for reconstruction), target,
dataset, split and depthUnit (default BLOCK) — target, dataset and split may be left out when the runs
have only one; SIMILARITY uses similarity (default LINEAR_CKA) and dataset.`,
})
export class MetricSelector {
  @Field(() => MetricSource) source!: MetricSource;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(200) key?: string;
  @Field(() => EvaluationKind, { nullable: true }) @IsOptional() kind?: EvaluationKind;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(200) target?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(200) dataset?: string;
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(100) split?: string;
  @Field(() => DepthUnit, { nullable: true }) @IsOptional() depthUnit?: DepthUnit;
  @Field(() => SimilarityKind, { nullable: true }) @IsOptional() similarity?: SimilarityKind;
}
