-- E2E trained once, evaluated at every K (issue 19 item 3).
--
-- E2E training does not depend on K, so a sweep trains one E2E run per (size, seed, …) and
-- evaluates it at the block boundaries of every K of the sweep. runs.partitions lists the K
-- values a run is evaluated at (a blockwise run: its own K; an E2E run: every K of its sweep);
-- runs.blocks stays the K its checkpoint was built with (the smallest of them for a sweep's
-- E2E run).
--
-- evaluations, similarity_matrices and patch_diagnostics record the partition (K) their block
-- depths refer to: block k of K=2 (layers 1–3 of 6) is not block k of K=3. Rows at MODEL or
-- LAYER depth do not depend on it and carry the run's own K. Every existing row was measured at
-- its run's K, so that is what it is given; the unique keys gain the column.
--
-- Writers that predate the column (scripts, seeds) keep working: a row inserted without a
-- partition gets its run's K, and a run inserted without partitions gets [blocks], by trigger.

-- AlterTable
ALTER TABLE "runs" ADD COLUMN "partitions" INTEGER[] NOT NULL DEFAULT ARRAY[]::INTEGER[];
UPDATE "runs" SET "partitions" = ARRAY["blocks"];

-- AlterTable
ALTER TABLE "evaluations" ADD COLUMN "partition" INTEGER;
UPDATE "evaluations" e SET "partition" = r."blocks" FROM "runs" r WHERE r."id" = e."run_id";
ALTER TABLE "evaluations" ALTER COLUMN "partition" SET NOT NULL;

-- AlterTable
ALTER TABLE "similarity_matrices" ADD COLUMN "partition" INTEGER;
UPDATE "similarity_matrices" m SET "partition" = r."blocks" FROM "runs" r WHERE r."id" = m."run_id";
ALTER TABLE "similarity_matrices" ALTER COLUMN "partition" SET NOT NULL;

-- AlterTable
ALTER TABLE "patch_diagnostics" ADD COLUMN "partition" INTEGER;
UPDATE "patch_diagnostics" d SET "partition" = r."blocks" FROM "runs" r WHERE r."id" = d."run_id";
ALTER TABLE "patch_diagnostics" ALTER COLUMN "partition" SET NOT NULL;

-- DropIndex
DROP INDEX "evaluations_run_id_step_kind_metric_target_dataset_split_de_key";
DROP INDEX "patch_diagnostics_run_id_step_dataset_block_key";
DROP INDEX "similarity_matrices_run_id_kind_step_idx";

-- CreateIndex
CREATE UNIQUE INDEX "evaluations_run_id_step_kind_metric_target_dataset_split_de_key" ON "evaluations"("run_id", "step", "kind", "metric", "target", "dataset", "split", "depth_unit", "depth", "partition");
CREATE UNIQUE INDEX "patch_diagnostics_run_id_step_dataset_block_partition_key" ON "patch_diagnostics"("run_id", "step", "dataset", "block", "partition");
CREATE INDEX "similarity_matrices_run_id_kind_step_partition_idx" ON "similarity_matrices"("run_id", "kind", "step", "partition");

-- Defaults from the run (a column default cannot read another table).
CREATE FUNCTION "stratum_default_partition"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW."partition" IS NULL THEN
    SELECT r."blocks" INTO NEW."partition" FROM "runs" r WHERE r."id" = NEW."run_id";
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER "evaluations_default_partition" BEFORE INSERT ON "evaluations"
  FOR EACH ROW WHEN (NEW."partition" IS NULL) EXECUTE FUNCTION "stratum_default_partition"();
CREATE TRIGGER "similarity_matrices_default_partition" BEFORE INSERT ON "similarity_matrices"
  FOR EACH ROW WHEN (NEW."partition" IS NULL) EXECUTE FUNCTION "stratum_default_partition"();
CREATE TRIGGER "patch_diagnostics_default_partition" BEFORE INSERT ON "patch_diagnostics"
  FOR EACH ROW WHEN (NEW."partition" IS NULL) EXECUTE FUNCTION "stratum_default_partition"();

CREATE FUNCTION "stratum_default_run_partitions"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."partitions" := ARRAY[NEW."blocks"];
  RETURN NEW;
END $$;
CREATE TRIGGER "runs_default_partitions" BEFORE INSERT ON "runs"
  FOR EACH ROW WHEN (cardinality(NEW."partitions") = 0) EXECUTE FUNCTION "stratum_default_run_partitions"();
