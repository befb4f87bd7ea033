// Scale-out step for the hot tables: convert metric_points and its series rollups
// (metric_rollups) into hash-partitioned tables by run_id (declarative partitioning), in one
// transaction, keeping their primary keys, foreign keys, checks and every row. Both keys lead with
// run_id, so every series read and every ingestion batch touches one partition of each. Opt-in
// (`npm run db:partition-metrics`) because single tables are faster below a few billion points;
// Citus users run create_distributed_table on both instead.
import pg from 'pg';
import { MIGRATION_LOCK_KEY } from './migrations.js';

export interface PartitionResult {
  partitions: number;
  /** metric_points rows moved into the partitions. */
  rowsMoved: number;
  /** metric_rollups rows moved into the partitions. */
  rollupRowsMoved: number;
  alreadyPartitioned: boolean;
}

/** A table keyed by run first, converted with its primary key and foreign keys. */
interface RunKeyedTable {
  name: string;
  primaryKey: string;
  foreignKeys: Array<{ name: string; definition: string }>;
}

// Both tables keep exactly what their migrations define, so migrations and Prisma agree after.
const TABLES: RunKeyedTable[] = [
  {
    name: 'metric_points',
    // The covering key (value stored in the index): series reads never visit the heap.
    primaryKey: 'PRIMARY KEY (run_id, key_id, block, step) INCLUDE (value)',
    foreignKeys: [
      { name: 'metric_points_run_id_fkey', definition: 'FOREIGN KEY (run_id) REFERENCES runs(id) ON DELETE CASCADE ON UPDATE CASCADE' },
      { name: 'metric_points_key_id_fkey', definition: 'FOREIGN KEY (key_id) REFERENCES metric_keys(id) ON DELETE RESTRICT ON UPDATE CASCADE' },
    ],
  },
  {
    // The series rollups partition the same way, so a run's points and rollups share a hash.
    name: 'metric_rollups',
    // Covering too: downsampled reads are index-only scans of the aggregates.
    primaryKey: 'PRIMARY KEY (run_id, key_id, block, level, bucket) INCLUDE (count, min, max, last_step, last_value)',
    foreignKeys: [
      { name: 'metric_rollups_run_id_fkey', definition: 'FOREIGN KEY (run_id) REFERENCES runs(id) ON DELETE CASCADE ON UPDATE CASCADE' },
      { name: 'metric_rollups_key_id_fkey', definition: 'FOREIGN KEY (key_id) REFERENCES metric_keys(id) ON DELETE RESTRICT ON UPDATE CASCADE' },
    ],
  },
];

export async function partitionMetricPoints(url: string, partitions = 16): Promise<PartitionResult> {
  if (!Number.isInteger(partitions) || partitions < 2 || partitions > 1024) {
    throw new RangeError(`partitions must be an integer from 2 to 1024, not ${partitions}`);
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Share the migration lock: never convert while a migration runs (or twice at once).
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    const pending = [];
    for (const table of TABLES) if ((await relkind(client, table.name)) !== 'p') pending.push(table);
    if (pending.length === 0) return { partitions: await countPartitions(client), rowsMoved: 0, rollupRowsMoved: 0, alreadyPartitioned: true };
    await client.query('BEGIN');
    try {
      const moved = new Map<string, number>();
      for (const table of pending) moved.set(table.name, await convert(client, table, partitions));
      await client.query('COMMIT');
      for (const table of pending) await client.query(`ANALYZE ${table.name}`);
      return { partitions, rowsMoved: moved.get('metric_points') ?? 0, rollupRowsMoved: moved.get('metric_rollups') ?? 0, alreadyPartitioned: false };
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

/** Replaces `table` by a hash-partitioned copy (inside the caller's transaction); returns the rows moved. */
async function convert(client: pg.Client, table: RunKeyedTable, partitions: number): Promise<number> {
  const { name } = table;
  const old = `${name}_unpartitioned`;
  await client.query(`LOCK TABLE ${name} IN ACCESS EXCLUSIVE MODE`);
  await client.query(`ALTER TABLE ${name} RENAME TO ${old}`);
  await client.query(`ALTER TABLE ${old} RENAME CONSTRAINT ${name}_pkey TO ${old}_pkey`);
  await client.query(`ALTER TABLE ${old} ${table.foreignKeys.map((fk) => `DROP CONSTRAINT ${fk.name}`).join(', ')}`);
  // INCLUDING DEFAULTS and CONSTRAINTS: column defaults and CHECKs carry over.
  await client.query(`CREATE TABLE ${name} (LIKE ${old} INCLUDING DEFAULTS INCLUDING CONSTRAINTS) PARTITION BY HASH (run_id)`);
  for (let i = 0; i < partitions; i++) {
    await client.query(`CREATE TABLE ${name}_p${i} PARTITION OF ${name} FOR VALUES WITH (MODULUS ${partitions}, REMAINDER ${i})`);
  }
  await client.query(`ALTER TABLE ${name} ADD CONSTRAINT ${name}_pkey ${table.primaryKey}`);
  for (const fk of table.foreignKeys) await client.query(`ALTER TABLE ${name} ADD CONSTRAINT ${fk.name} ${fk.definition}`);
  const moved = await client.query(`INSERT INTO ${name} SELECT * FROM ${old}`);
  await client.query(`DROP TABLE ${old}`);
  return moved.rowCount ?? 0;
}

async function relkind(client: pg.Client, table: string): Promise<string | undefined> {
  return (await client.query<{ relkind: string }>('SELECT relkind FROM pg_class WHERE oid = $1::regclass', [table])).rows[0]?.relkind;
}

async function countPartitions(client: pg.Client): Promise<number> {
  const result = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM pg_inherits WHERE inhparent = 'metric_points'::regclass");
  return result.rows[0]?.n ?? 0;
}
