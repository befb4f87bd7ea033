import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { JSONScalar } from '../common/scalars.js';
import { DepthUnit, EvaluationKind } from '../report/report.enums.js';
import { Run } from '../run/run.type.js';

export enum Presence {
  BOTH = 'BOTH',
  ONLY_A = 'ONLY_A',
  ONLY_B = 'ONLY_B',
}
registerEnumType(Presence, { name: 'Presence', description: 'Which side of a comparison has the entry.' });

@ObjectType({ description: 'A config field whose value differs between the two runs (objects are compared field by field, arrays whole).' })
export class ConfigDifference {
  @Field(() => String, { description: 'Dotted path, e.g. optimizer.lr.' }) path!: string;
  @Field(() => JSONScalar, { nullable: true }) a!: unknown;
  @Field(() => JSONScalar, { nullable: true }) b!: unknown;
  @Field(() => Presence) presence!: Presence;
}

@ObjectType({ description: 'The final (last logged) value of a training metric in each run; delta = b − a.' })
export class MetricDelta {
  @Field(() => String) key!: string;
  @Field(() => Int, { nullable: true, description: 'null = whole model.' }) block!: number | null;
  @Field(() => Float, { nullable: true }) a!: number | null;
  @Field(() => Float, { nullable: true }) b!: number | null;
  @Field(() => Float, { nullable: true }) delta!: number | null;
  @Field(() => Int, { nullable: true }) aStep!: number | null;
  @Field(() => Int, { nullable: true }) bStep!: number | null;
}

@ObjectType({ description: 'The latest value of an evaluation at one depth in each run; delta = b − a.' })
export class EvaluationDelta {
  @Field(() => EvaluationKind) kind!: EvaluationKind;
  @Field(() => String) metric!: string;
  @Field(() => String) target!: string;
  @Field(() => String) dataset!: string;
  @Field(() => String) split!: string;
  @Field(() => DepthUnit) depthUnit!: DepthUnit;
  @Field(() => Int) depth!: number;
  @Field(() => Float, { nullable: true }) a!: number | null;
  @Field(() => Float, { nullable: true }) b!: number | null;
  @Field(() => Float, { nullable: true }) delta!: number | null;
  @Field(() => Int, { nullable: true }) aStep!: number | null;
  @Field(() => Int, { nullable: true }) bStep!: number | null;
}

@ObjectType({ description: 'Two runs side by side.' })
export class RunComparison {
  @Field(() => Run) a!: Run;
  @Field(() => Run) b!: Run;
  @Field(() => [ConfigDifference], { description: 'Only the fields that differ.' }) configDiff!: ConfigDifference[];
  @Field(() => [MetricDelta], { description: 'Per (key, block), by key then block.' }) metrics!: MetricDelta[];
  @Field(() => [EvaluationDelta], { description: 'Per evaluation identity and depth.' }) evaluations!: EvaluationDelta[];
}
