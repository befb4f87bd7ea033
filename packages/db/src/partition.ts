// Scale-out step for the hot table: convert metric_points into a hash-partitioned table by
// run_id (declarative partitioning), in one transaction, keeping its primary key, foreign keys
// and every row. The table's key leads with run_id, so every series read and every ingestion
// batch touches exactly one partition. Opt-in (`npm run db:partition-metrics`) because a single
// table is faster below a few billion points; Citus users run create_distributed_table instead.
import pg from 'pg';
import { MIGRATION_LOCK_KEY } from './migrations.js';

export interface PartitionResult {
  partitions: number;
  rowsMoved: number;
  alreadyPartitioned: boolean;
}

export async function partitionMetricPoints(url: string, partitions = 16): Promise<PartitionResult> {
  if (!Number.isInteger(partitions) || partitions < 2 || partitions > 1024) {
    throw new RangeError(`partitions must be an integer from 2 to 1024, not ${partitions}`);
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Share the migration lock: never convert while a migration runs (or twice at once).
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const kind = (await client.query<{ relkind: string }>("SELECT relkind FROM pg_class WHERE oid = 'metric_points'::regclass")).rows[0]?.relkind;
    if (kind === 'p') return { partitions: await countPartitions(client), rowsMoved: 0, alreadyPartitioned: true };
    await client.query('BEGIN');
    try {
      await client.query('LOCK TABLE metric_points IN ACCESS EXCLUSIVE MODE');
      await client.query('ALTER TABLE metric_points RENAME TO metric_points_unpartitioned');
      await client.query('ALTER TABLE metric_points_unpartitioned RENAME CONSTRAINT metric_points_pkey TO metric_points_unpartitioned_pkey');
      await client.query('ALTER TABLE metric_points_unpartitioned DROP CONSTRAINT metric_points_run_id_fkey, DROP CONSTRAINT metric_points_key_id_fkey');
      await client.query('CREATE TABLE metric_points (LIKE metric_points_unpartitioned INCLUDING DEFAULTS) PARTITION BY HASH (run_id)');
      for (let i = 0; i < partitions; i++) {
        await client.query(`CREATE TABLE metric_points_p${i} PARTITION OF metric_points FOR VALUES WITH (MODULUS ${partitions}, REMAINDER ${i})`);
      }
      // Keep the covering key (value stored in the index): series reads never visit the heap.
      await client.query('ALTER TABLE metric_points ADD CONSTRAINT metric_points_pkey PRIMARY KEY (run_id, key_id, block, step) INCLUDE (value)');
      await client.query('ALTER TABLE metric_points ADD CONSTRAINT metric_points_run_id_fkey FOREIGN KEY (run_id) REFERENCES runs(id) ON DELETE CASCADE ON UPDATE CASCADE');
      await client.query('ALTER TABLE metric_points ADD CONSTRAINT metric_points_key_id_fkey FOREIGN KEY (key_id) REFERENCES metric_keys(id) ON DELETE RESTRICT ON UPDATE CASCADE');
      const moved = await client.query('INSERT INTO metric_points SELECT * FROM metric_points_unpartitioned');
      await client.query('DROP TABLE metric_points_unpartitioned');
      await client.query('COMMIT');
      await client.query('ANALYZE metric_points');
      return { partitions, rowsMoved: moved.rowCount ?? 0, alreadyPartitioned: false };
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

async function countPartitions(client: pg.Client): Promise<number> {
  const result = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'metric_points'::regclass");
  return result.rows[0]?.n ?? 0;
}
