-- A downsampled series read fetches O(maxPoints) rollup rows per series, all of their columns.
-- Carrying the aggregates in the primary key's leaf pages makes those reads index-only scans in
-- bucket order (no heap visit per row), as metric_points' covering key does for raw points.
-- (Prisma's schema language has no INCLUDE; the key columns and the name are unchanged.)

-- AlterTable
ALTER TABLE "metric_rollups" DROP CONSTRAINT "metric_rollups_pkey";

-- AlterTable
ALTER TABLE "metric_rollups" ADD CONSTRAINT "metric_rollups_pkey" PRIMARY KEY ("run_id", "key_id", "block", "level", "bucket") INCLUDE ("count", "min", "max", "last_step", "last_value");
