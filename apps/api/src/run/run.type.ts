import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, JSONScalar } from '../common/scalars.js';
import { JobKind, JobStatus } from '../job/job.enums.js';
import { DepthUnit, EvaluationKind } from '../report/report.enums.js';
import { RunMode, RunStatus } from './run.enums.js';

@ObjectType({ description: 'Where a run\'s training became non-finite (the run FAILED as diverged).' })
export class RunDivergence {
  @Field(() => Int, { description: 'The global step.' }) step!: number;
  @Field(() => Int, { nullable: true, description: 'The 1-based block whose loss it was; null = the whole model.' }) block!: number | null;
  @Field(() => String, { description: '"loss" or "gradient norm".' }) quantity!: string;
  @Field(() => String, { description: '"NaN", "Infinity" or "-Infinity".' }) value!: string;
}

@ObjectType({ description: 'One training run: a cell of a sweep (model size × K × mode) at one seed, or a standalone run.' })
export class Run {
  @Field(() => ID) id!: string;
  @Field(() => ID) projectId!: string;
  @Field(() => ID, { nullable: true }) sweepId!: string | null;
  @Field(() => String) name!: string;
  @Field(() => RunMode) mode!: RunMode;
  @Field(() => String, { description: 'Trainer preset: nano, micro (CPU scale), tiny, small (the paper).' }) modelSize!: string;
  @Field(() => Int, { description: 'K, the number of encoder blocks its checkpoint is built with. E2E runs keep K as the default partition their block-boundary evaluations use.' }) blocks!: number;
  @Field(() => [Int], { description: "K values the run is evaluated at: a blockwise run's own K; a sweep's E2E run (trained once per size and seed) every K of the sweep." }) partitions!: number[];
  @Field(() => Int) seed!: number;
  @Field(() => String, { description: 'Training dataset name.' }) dataset!: string;
  @Field(() => JSONScalar, { description: "The fully resolved trainer config (plus the agent's `evaluation` settings)." }) config!: unknown;
  @Field(() => RunStatus) status!: RunStatus;
  @Field(() => String, { nullable: true, description: 'tfjs backend the run trained on.' }) backend!: string | null;
  @Field(() => ID, { nullable: true, description: 'The agent that last ran it.' }) agentId!: string | null;
  @Field(() => [String]) tags!: string[];
  @Field(() => String, { nullable: true }) notes!: string | null;
  @Field(() => String, { nullable: true, description: 'Why it failed, when it did.' }) error!: string | null;
  @Field(() => RunDivergence, { nullable: true, description: 'Set when training diverged (a non-finite loss): the step and block.' }) divergence!: RunDivergence | null;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) startedAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) finishedAt!: Date | null;
  @Field(() => DateTimeScalar) updatedAt!: Date;
  // project, sweep, agentName, checkpoints, evaluations, jobs, durationSeconds: RunResolver.
}

@ObjectType({ description: 'One evaluation value: a probe, retrieval, geometry or reconstruction measurement at one depth.' })
export class Evaluation {
  @Field(() => ID) id!: string;
  @Field(() => ID) runId!: string;
  @Field(() => Int) step!: number;
  @Field(() => EvaluationKind) kind!: EvaluationKind;
  @Field(() => String, { description: 'accuracy, mAP, hit@1, effective_rank, …' }) metric!: string;
  @Field(() => String, { description: 'Label family or task: digit, direction, orientation, action, …' }) target!: string;
  @Field(() => String) dataset!: string;
  @Field(() => String) split!: string;
  @Field(() => DepthUnit) depthUnit!: DepthUnit;
  @Field(() => Int, { description: 'Block boundary k (1..K) for BLOCK, layer for LAYER, 0 for MODEL.' }) depth!: number;
  @Field(() => Int, { description: "K of the partition whose boundaries a BLOCK depth counts (an E2E run is evaluated at every K of its sweep); the run's K for other units." }) partition!: number;
  @Field(() => Float) value!: number;
  @Field(() => Float, { nullable: true }) std!: number | null;
  @Field(() => Float, { nullable: true }) ciLow!: number | null;
  @Field(() => Float, { nullable: true }) ciHigh!: number | null;
  @Field(() => [Float], { description: 'Per-fold values (cross-validated probes).' }) folds!: number[];
  @Field(() => Int, { nullable: true }) n!: number | null;
  @Field(() => DateTimeScalar) createdAt!: Date;
}

@ObjectType({ description: 'A stored checkpoint of a run (content-addressed: GET /artifacts/<sha256>).' })
export class Checkpoint {
  @Field(() => ID) id!: string;
  @Field(() => Int) step!: number;
  @Field(() => String) uri!: string;
  @Field(() => String) sha256!: string;
  @Field(() => Float, { description: 'Size in bytes.' }) bytes!: number;
  @Field(() => DateTimeScalar) createdAt!: Date;
}

@ObjectType({ description: "A job of a run: its attempts so far, lease and last error (newest job first in Run.jobs)." })
export class JobAttempt {
  @Field(() => ID) id!: string;
  @Field(() => JobKind) kind!: JobKind;
  @Field(() => JobStatus) status!: JobStatus;
  @Field(() => Int) priority!: number;
  @Field(() => Int) attempts!: number;
  @Field(() => Int) maxAttempts!: number;
  @Field(() => DateTimeScalar) notBefore!: Date;
  @Field(() => ID, { nullable: true, description: 'The agent holding the lease.' }) leaseOwner!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) leaseExpiresAt!: Date | null;
  @Field(() => Boolean) cancelRequested!: boolean;
  @Field(() => JSONScalar, { nullable: true }) progress!: unknown;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => JSONScalar) requirements!: unknown;
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar) updatedAt!: Date;
}

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field(() => Boolean) hasNextPage!: boolean;
  @Field(() => Boolean, { description: 'True when this page was asked for after a cursor.' }) hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

@ObjectType()
export class RunEdge {
  @Field(() => String) cursor!: string;
  @Field(() => Run) node!: Run;
}

@ObjectType({ description: 'A page of runs (Relay cursor connection).' })
export class RunConnection {
  @Field(() => [RunEdge]) edges!: RunEdge[];
  @Field(() => [Run], { description: 'The edges’ nodes, for clients that do not need cursors per row.' }) nodes!: Run[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  /** Counts every run matching the filter (resolved only when asked for). */
  countAll!: () => Promise<number>;
}
