-- Series rollups: for every (run, key, block), the count, min, max and last point of each
-- aligned step bucket of width 2^level, for level 4 … 16 (16 … 65,536 steps). Kept by
-- logMetrics in the statement that inserts the points, so a downsampled read touches
-- O(maxPoints) rollup rows instead of every stored point. bucket = step >> level.
-- The key leads with run_id, as metric_points' does, so it partitions (and distributes) by run
-- the same way (npm run db:partition-metrics converts both tables).

-- CreateTable
CREATE TABLE "metric_rollups" (
    "run_id" UUID NOT NULL,
    "key_id" INTEGER NOT NULL,
    "block" SMALLINT NOT NULL,
    "level" SMALLINT NOT NULL,
    "bucket" INTEGER NOT NULL,
    "count" INTEGER NOT NULL,
    "min" DOUBLE PRECISION NOT NULL,
    "max" DOUBLE PRECISION NOT NULL,
    "last_step" INTEGER NOT NULL,
    "last_value" DOUBLE PRECISION NOT NULL,

    CONSTRAINT "metric_rollups_pkey" PRIMARY KEY ("run_id","key_id","block","level","bucket"),
    CONSTRAINT "metric_rollups_level_check" CHECK ("level" BETWEEN 4 AND 16)
);

-- AddForeignKey
ALTER TABLE "metric_rollups" ADD CONSTRAINT "metric_rollups_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "metric_rollups" ADD CONSTRAINT "metric_rollups_key_id_fkey" FOREIGN KEY ("key_id") REFERENCES "metric_keys"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Backfill from the points already stored: level 4 from the points, each level from the one below.
INSERT INTO "metric_rollups" ("run_id", "key_id", "block", "level", "bucket", "count", "min", "max", "last_step", "last_value")
SELECT "run_id", "key_id", "block", 4, "step" >> 4, count(*), min("value"), max("value"), max("step"),
       (max(ARRAY["step"::float8, "value"]))[2]
FROM "metric_points" GROUP BY "run_id", "key_id", "block", "step" >> 4;

DO $$
BEGIN
  FOR lvl IN 5..16 LOOP
    INSERT INTO "metric_rollups" ("run_id", "key_id", "block", "level", "bucket", "count", "min", "max", "last_step", "last_value")
    SELECT "run_id", "key_id", "block", lvl, "bucket" >> 1, sum("count"), min("min"), max("max"), max("last_step"),
           (max(ARRAY["last_step"::float8, "last_value"]))[2]
    FROM "metric_rollups" WHERE "level" = lvl - 1 GROUP BY "run_id", "key_id", "block", "bucket" >> 1;
  END LOOP;
END $$;
