-- CreateEnum
CREATE TYPE "RunMode" AS ENUM ('E2E', 'BLOCKWISE_SIMULTANEOUS', 'BLOCKWISE_SEQUENTIAL');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "JobKind" AS ENUM ('TRAIN', 'COMPARE');

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "AgentStatus" AS ENUM ('ONLINE', 'DRAINING', 'OFFLINE', 'LOST');

-- CreateEnum
CREATE TYPE "TokenRole" AS ENUM ('ADMIN', 'WRITER', 'AGENT', 'READER');

-- CreateEnum
CREATE TYPE "DepthUnit" AS ENUM ('MODEL', 'BLOCK', 'LAYER');

-- CreateEnum
CREATE TYPE "EvaluationKind" AS ENUM ('LINEAR_PROBE', 'KNN_RETRIEVAL', 'KNN_ACCURACY', 'GEOMETRY', 'RECONSTRUCTION');

-- CreateEnum
CREATE TYPE "SimilarityKind" AS ENUM ('LINEAR_CKA', 'DEBIASED_CKA', 'RBF_CKA');

-- CreateTable
CREATE TABLE "projects" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "projects_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sweeps" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "spec" JSONB NOT NULL,
    "spec_hash" TEXT NOT NULL,
    "expansion" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sweeps_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "runs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "project_id" UUID NOT NULL,
    "sweep_id" UUID,
    "name" TEXT NOT NULL,
    "mode" "RunMode" NOT NULL,
    "model_size" TEXT NOT NULL,
    "blocks" INTEGER NOT NULL,
    "seed" INTEGER NOT NULL,
    "dataset" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'QUEUED',
    "backend" TEXT,
    "agent_id" UUID,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "notes" TEXT,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(6),
    "finished_at" TIMESTAMPTZ(6),
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "jobs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "run_id" UUID NOT NULL,
    "other_run_id" UUID,
    "kind" "JobKind" NOT NULL DEFAULT 'TRAIN',
    "status" "JobStatus" NOT NULL DEFAULT 'QUEUED',
    "priority" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "max_attempts" INTEGER NOT NULL DEFAULT 3,
    "not_before" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "requirements" JSONB NOT NULL DEFAULT '{}',
    "lease_owner" UUID,
    "lease_expires_at" TIMESTAMPTZ(6),
    "fencing_token" BIGINT NOT NULL DEFAULT 0,
    "cancel_requested" BOOLEAN NOT NULL DEFAULT false,
    "progress" JSONB,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "jobs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "agents" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "host" TEXT NOT NULL,
    "devices" JSONB NOT NULL DEFAULT '[]',
    "backends" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "labels" JSONB NOT NULL DEFAULT '{}',
    "version" TEXT,
    "status" "AgentStatus" NOT NULL DEFAULT 'ONLINE',
    "last_heartbeat_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agents_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "metric_keys" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,

    CONSTRAINT "metric_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "metric_points" (
    "run_id" UUID NOT NULL,
    "key_id" INTEGER NOT NULL,
    "block" SMALLINT NOT NULL DEFAULT 0,
    "step" INTEGER NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "wall_time" TIMESTAMPTZ(6),

    CONSTRAINT "metric_points_pkey" PRIMARY KEY ("run_id","key_id","block","step")
);

-- CreateTable
CREATE TABLE "evaluations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "run_id" UUID NOT NULL,
    "step" INTEGER NOT NULL,
    "kind" "EvaluationKind" NOT NULL,
    "metric" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "dataset" TEXT NOT NULL,
    "split" TEXT NOT NULL DEFAULT 'eval',
    "depth_unit" "DepthUnit" NOT NULL DEFAULT 'BLOCK',
    "depth" INTEGER NOT NULL DEFAULT 0,
    "value" DOUBLE PRECISION NOT NULL,
    "std" DOUBLE PRECISION,
    "ci_low" DOUBLE PRECISION,
    "ci_high" DOUBLE PRECISION,
    "folds" DOUBLE PRECISION[] DEFAULT ARRAY[]::DOUBLE PRECISION[],
    "n" INTEGER,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "evaluations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "similarity_matrices" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "run_id" UUID NOT NULL,
    "other_run_id" UUID,
    "kind" "SimilarityKind" NOT NULL,
    "step" INTEGER NOT NULL,
    "dataset" TEXT NOT NULL,
    "row_labels" TEXT[],
    "col_labels" TEXT[],
    "values" DOUBLE PRECISION[],
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "similarity_matrices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "patch_diagnostics" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "run_id" UUID NOT NULL,
    "step" INTEGER NOT NULL,
    "dataset" TEXT NOT NULL,
    "block" INTEGER NOT NULL,
    "token_cosine" DOUBLE PRECISION,
    "occ_drop" DOUBLE PRECISION,
    "effective_rank" DOUBLE PRECISION,
    "participation_ratio" DOUBLE PRECISION,
    "isotropy" DOUBLE PRECISION,
    "uniformity" DOUBLE PRECISION,
    "token_norm_mean" DOUBLE PRECISION,
    "token_norm_std" DOUBLE PRECISION,
    "token_norm_max" DOUBLE PRECISION,
    "attention_distance" DOUBLE PRECISION,
    "attention_distance_spatial" DOUBLE PRECISION,
    "attention_distance_temporal" DOUBLE PRECISION,
    "reconstruction_error" DOUBLE PRECISION[] DEFAULT ARRAY[]::DOUBLE PRECISION[],
    "reconstruction_grid" INTEGER[] DEFAULT ARRAY[]::INTEGER[],
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "patch_diagnostics_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "checkpoints" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "run_id" UUID NOT NULL,
    "step" INTEGER NOT NULL,
    "uri" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "checkpoints_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "label" TEXT NOT NULL,
    "role" "TokenRole" NOT NULL,
    "hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "agent_id" UUID,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(6),
    "revoked_at" TIMESTAMPTZ(6),

    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "baselines" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "sweep_id" UUID,
    "run_ids" UUID[] DEFAULT ARRAY[]::UUID[],
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "baselines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "regression_checks" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "baseline_id" UUID NOT NULL,
    "candidate" JSONB NOT NULL,
    "rules" JSONB NOT NULL,
    "verdicts" JSONB NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(6) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "regression_checks_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "projects_name_key" ON "projects"("name");

-- CreateIndex
CREATE UNIQUE INDEX "sweeps_project_id_name_key" ON "sweeps"("project_id", "name");

-- CreateIndex
CREATE INDEX "runs_project_id_status_idx" ON "runs"("project_id", "status");

-- CreateIndex
CREATE INDEX "runs_sweep_id_model_size_blocks_mode_seed_idx" ON "runs"("sweep_id", "model_size", "blocks", "mode", "seed");

-- CreateIndex
CREATE INDEX "runs_status_created_at_idx" ON "runs"("status", "created_at");

-- CreateIndex
CREATE INDEX "runs_tags_idx" ON "runs" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "jobs_status_priority_not_before_idx" ON "jobs"("status", "priority" DESC, "not_before");

-- CreateIndex
CREATE INDEX "jobs_status_lease_expires_at_idx" ON "jobs"("status", "lease_expires_at");

-- CreateIndex
CREATE INDEX "jobs_run_id_idx" ON "jobs"("run_id");

-- CreateIndex
CREATE UNIQUE INDEX "agents_name_key" ON "agents"("name");

-- CreateIndex
CREATE INDEX "agents_status_last_heartbeat_at_idx" ON "agents"("status", "last_heartbeat_at");

-- CreateIndex
CREATE UNIQUE INDEX "metric_keys_name_key" ON "metric_keys"("name");

-- CreateIndex
CREATE INDEX "evaluations_kind_metric_target_idx" ON "evaluations"("kind", "metric", "target");

-- CreateIndex
CREATE UNIQUE INDEX "evaluations_run_id_step_kind_metric_target_dataset_split_de_key" ON "evaluations"("run_id", "step", "kind", "metric", "target", "dataset", "split", "depth_unit", "depth");

-- CreateIndex
CREATE INDEX "similarity_matrices_run_id_kind_step_idx" ON "similarity_matrices"("run_id", "kind", "step");

-- CreateIndex
CREATE INDEX "similarity_matrices_other_run_id_idx" ON "similarity_matrices"("other_run_id");

-- CreateIndex
CREATE UNIQUE INDEX "patch_diagnostics_run_id_step_dataset_block_key" ON "patch_diagnostics"("run_id", "step", "dataset", "block");

-- CreateIndex
CREATE UNIQUE INDEX "checkpoints_run_id_step_key" ON "checkpoints"("run_id", "step");

-- CreateIndex
CREATE INDEX "checkpoints_sha256_idx" ON "checkpoints"("sha256");

-- CreateIndex
CREATE UNIQUE INDEX "api_tokens_hash_key" ON "api_tokens"("hash");

-- CreateIndex
CREATE UNIQUE INDEX "baselines_project_id_name_key" ON "baselines"("project_id", "name");

-- CreateIndex
CREATE INDEX "regression_checks_baseline_id_created_at_idx" ON "regression_checks"("baseline_id", "created_at");

-- AddForeignKey
ALTER TABLE "sweeps" ADD CONSTRAINT "sweeps_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "runs" ADD CONSTRAINT "runs_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "runs" ADD CONSTRAINT "runs_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweeps"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "runs" ADD CONSTRAINT "runs_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_other_run_id_fkey" FOREIGN KEY ("other_run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_lease_owner_fkey" FOREIGN KEY ("lease_owner") REFERENCES "agents"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "metric_points" ADD CONSTRAINT "metric_points_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "metric_points" ADD CONSTRAINT "metric_points_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "metric_keys"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "evaluations" ADD CONSTRAINT "evaluations_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "similarity_matrices" ADD CONSTRAINT "similarity_matrices_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "similarity_matrices" ADD CONSTRAINT "similarity_matrices_other_run_id_fkey" FOREIGN KEY ("other_run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "patch_diagnostics" ADD CONSTRAINT "patch_diagnostics_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "checkpoints" ADD CONSTRAINT "checkpoints_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "baselines" ADD CONSTRAINT "baselines_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "baselines" ADD CONSTRAINT "baselines_sweep_id_fkey" FOREIGN KEY ("sweep_id") REFERENCES "sweeps"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "regression_checks" ADD CONSTRAINT "regression_checks_baseline_id_fkey" FOREIGN KEY ("baseline_id") REFERENCES "baselines"("id") ON DELETE CASCADE ON UPDATE CASCADE;
