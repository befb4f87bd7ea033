-- Metric series reads (downsampling, final values, grids) need only (step, value) of one
-- (run, key, block) range. Carrying value in the primary key's leaf pages makes them index-only
-- scans in step order, however the points were interleaved on disk when they were written.
-- (Prisma's schema language has no INCLUDE; the key columns and the name are unchanged.)

-- AlterTable
ALTER TABLE "metric_points" DROP CONSTRAINT "metric_points_pkey";

-- AlterTable
ALTER TABLE "metric_points" ADD CONSTRAINT "metric_points_pkey" PRIMARY KEY ("run_id", "key_id", "block", "step") INCLUDE ("value");
