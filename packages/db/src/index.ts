// @stratum/db — the database: Prisma client (pg adapter), pg pools for hot paths, the
// migration runner, and the embedded PostgreSQL used when DATABASE_URL is not set.
import type { Tables } from './generated/columns.js';

export { createPool, createPrismaClient, PrismaClient, type ClientOptions } from './client.js';
export type { Prisma } from './client.js';
export * from './generated/prisma/enums.js';
export type { Tables };
/** A row of `table` as node-postgres returns it, keyed by column name (generated from the schema):
 * raw queries declare their rows from it, `Pick<Row<'runs'>, 'status'>` or `Row<'runs'>['sweep_id']`. */
export type Row<T extends keyof Tables> = Tables[T];
export { openDatabase, ensureDatabase, quoteIdent, type Database, type DatabaseOptions } from './database.js';
export { startEmbeddedPostgres, freePort, type EmbeddedOptions, type EmbeddedServer } from './embedded.js';
export {
  migrate, migrationStatus, readMigrations, defaultMigrationsDir, MigrationError, MIGRATION_LOCK_KEY,
  type Migration, type MigrationResult, type MigrationStatus, type MigrateOptions, type Queryable, type StatusOptions,
} from './migrations.js';
export { silentLogger, type DbLogger } from './log.js';
export { partitionMetricPoints, type PartitionResult } from './partition.js';
export { rebuildMetricRollups, recomputeRollupBuckets, rollupMergeCtes, type TouchedPoints, ROLLUP_MIN_LEVEL, ROLLUP_MAX_LEVEL } from './rollups.js';
