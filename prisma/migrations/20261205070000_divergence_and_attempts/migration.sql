-- Divergence and resumed attempts (issue 18 items 9 and 10).
--
-- runs.divergence: where a run's training became non-finite, as the agent reported it with
-- failJob: { step, block (null = whole model), quantity ('loss' | 'gradient norm'), value
-- ('NaN' | 'Infinity' | '-Infinity') }. A diverged run is FAILED and never retried.
--
-- Attempts of a run: every claim of one of its TRAIN jobs (a retried run gets a new job, and a
-- drained job is claimed again) is the run's next attempt. runs.claims counts them;
-- jobs.run_attempt and jobs.resume_step are the current claim's number and the checkpoint step
-- it resumes from (null: from scratch), both set by claimJob. Points an attempt logs after its
-- resume step replace those an earlier attempt wrote (that trajectory was abandoned at the
-- checkpoint); metric_points.attempt records which attempt wrote each point.

-- AlterTable
ALTER TABLE "runs" ADD COLUMN "divergence" JSONB;

-- AlterTable
ALTER TABLE "runs" ADD COLUMN "claims" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "jobs" ADD COLUMN "run_attempt" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "resume_step" INTEGER;

-- Runs claimed before this migration: their points count as attempt 1, so the next claim is later.
UPDATE "runs" r SET "claims" = GREATEST(1, (SELECT sum(j."fencing_token")::int FROM "jobs" j WHERE j."run_id" = r."id" AND j."kind" = 'TRAIN'))
WHERE EXISTS (SELECT 1 FROM "jobs" j WHERE j."run_id" = r."id" AND j."kind" = 'TRAIN' AND j."fencing_token" > 0);
UPDATE "jobs" j SET "run_attempt" = r."claims" FROM "runs" r WHERE r."id" = j."run_id" AND j."status" = 'RUNNING' AND j."kind" = 'TRAIN';

-- AlterTable
ALTER TABLE "metric_points" ADD COLUMN "attempt" INTEGER NOT NULL DEFAULT 1;
