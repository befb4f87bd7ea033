import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeScalar, JSONScalar } from '../common/scalars.js';
import { JobKind, JobStatus } from './job.enums.js';

@ObjectType({ description: 'The checkpoint a (re-)claimed job resumes from.' })
export class CheckpointRef {
  @Field(() => Int) step!: number;
  @Field(() => String, { description: 'Content address in the artifact store (GET /artifacts/<sha256>).' }) sha256!: string;
  @Field(() => String) uri!: string;
  @Field(() => Float, { description: 'Size in bytes.' }) bytes!: number;
}

@ObjectType({ description: 'A job leased to the calling agent. Every write about it must carry fencingToken.' })
export class ClaimedJob {
  @Field(() => ID) jobId!: string;
  @Field(() => ID) runId!: string;
  @Field(() => String) runName!: string;
  @Field(() => ID, { nullable: true }) sweepId!: string | null;
  @Field(() => ID) projectId!: string;
  @Field(() => JobKind) kind!: JobKind;
  @Field(() => ID, { nullable: true, description: 'For COMPARE jobs: the second run of the pair.' }) otherRunId!: string | null;
  @Field(() => String, { description: 'Opaque 64-bit fencing token (decimal); stale once the job is claimed again.' }) fencingToken!: string;
  @Field(() => DateTimeScalar) leaseExpiresAt!: Date;
  @Field(() => Int, { description: 'Which attempt this is (1-based).' }) attempt!: number;
  @Field(() => Int) maxAttempts!: number;
  @Field(() => Int) priority!: number;
  @Field(() => JSONScalar, { description: 'The fully resolved trainer config of the run.' }) config!: unknown;
  @Field(() => JSONScalar) requirements!: unknown;
  @Field(() => String, { nullable: true, description: 'The backend recorded for the run (first of the agent\'s backends the job accepts).' }) backend!: string | null;
  @Field(() => JSONScalar, { nullable: true, description: 'Progress the previous attempt last reported, if any.' }) previousProgress!: unknown;
  @Field(() => CheckpointRef, { nullable: true, description: 'The latest checkpoint of the run, to resume from.' }) latestCheckpoint!: CheckpointRef | null;
  @Field(() => CheckpointRef, { nullable: true, description: 'COMPARE jobs: the final checkpoint of the other run.' }) otherCheckpoint!: CheckpointRef | null;
}

@ObjectType()
export class HeartbeatResult {
  @Field(() => DateTimeScalar) leaseExpiresAt!: Date;
  @Field(() => Boolean, { description: 'The run was cancelled: stop, then call failJob or releaseJob.' }) cancelRequested!: boolean;
}

@ObjectType({ description: 'A job status change made by completeJob, failJob or releaseJob.' })
export class JobTransition {
  @Field(() => ID) jobId!: string;
  @Field(() => ID) runId!: string;
  @Field(() => JobStatus) status!: JobStatus;
  @Field(() => String, { nullable: true, description: 'The run\'s new status (null when the job does not drive its run, as COMPARE jobs).' }) runStatus!: string | null;
  @Field(() => Int) attempts!: number;
  @Field(() => Int) maxAttempts!: number;
  @Field(() => DateTimeScalar, { description: 'When the job may be claimed again (after backoff).' }) notBefore!: Date;
  @Field(() => String, { nullable: true }) lastError!: string | null;
}

@ObjectType({ description: 'A job as the queue shows it.' })
export class QueueEntry {
  @Field(() => Int, { description: '0-based place in this listing (claim order).' }) position!: number;
  @Field(() => ID) jobId!: string;
  @Field(() => ID) runId!: string;
  @Field(() => String) runName!: string;
  @Field(() => String) runStatus!: string;
  @Field(() => ID, { nullable: true }) sweepId!: string | null;
  @Field(() => JobKind) kind!: JobKind;
  @Field(() => JobStatus) status!: JobStatus;
  @Field(() => Int) priority!: number;
  @Field(() => Int) attempts!: number;
  @Field(() => Int) maxAttempts!: number;
  @Field(() => DateTimeScalar) notBefore!: Date;
  @Field(() => Boolean, { description: 'QUEUED and notBefore has passed.' }) runnable!: boolean;
  @Field(() => ID, { nullable: true }) leaseOwner!: string | null;
  @Field(() => String, { nullable: true }) leaseOwnerName!: string | null;
  @Field(() => DateTimeScalar, { nullable: true }) leaseExpiresAt!: Date | null;
  @Field(() => Boolean) cancelRequested!: boolean;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => JSONScalar, { nullable: true }) progress!: unknown;
  @Field(() => DateTimeScalar) createdAt!: Date;
}
