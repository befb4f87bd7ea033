// Stratum's migration runner. Prisma's native schema engine cannot be installed everywhere
// (it downloads a binary), so migrations are plain SQL in Prisma's folder layout and this
// runner applies them, keeping Prisma's own bookkeeping table so that `prisma migrate status`
// and `prisma migrate deploy` agree with it wherever the engine does exist:
//  - the same advisory lock key as Prisma, so runners (ours or Prisma's) never interleave;
//  - one transaction per migration: a failing migration leaves no trace;
//  - sha256 of migration.sql as the checksum; an applied migration whose file changed is refused.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { silentLogger, type DbLogger } from './log.js';

/** Prisma's advisory lock id for migrations (so Prisma's CLI and this runner serialise). */
export const MIGRATION_LOCK_KEY = 72707369;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

/** prisma/migrations at the repository root (the db package lives at packages/db). */
export function defaultMigrationsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  return path.resolve(here, '..', '..', '..', 'prisma', 'migrations');
}

export function readMigrations(dir = defaultMigrationsDir()): Migration[] {
  if (!fs.existsSync(dir)) throw new MigrationError(`migrations directory not found: ${dir}`);
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const file = path.join(dir, name, 'migration.sql');
      if (!fs.existsSync(file)) throw new MigrationError(`migration ${name} has no migration.sql`);
      const bytes = fs.readFileSync(file);
      return { name, sql: bytes.toString('utf8'), checksum: crypto.createHash('sha256').update(bytes).digest('hex') };
    });
}

const CREATE_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

export interface MigrateOptions {
  migrationsDir?: string;
  log?: DbLogger;
}

export async function migrate(url: string, options: MigrateOptions = {}): Promise<MigrationResult> {
  const log = options.log ?? silentLogger;
  const migrations = readMigrations(options.migrationsDir);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // Session-level lock: held across the per-migration transactions below.
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await client.query(CREATE_TABLE);
      const rows = (await client.query<AppliedRow>(
        'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY started_at',
      )).rows;
      const applied = new Map(rows.map((row) => [row.migration_name, row]));
      checkHistory(migrations, applied);
      const result: MigrationResult = { applied: [], alreadyApplied: [] };
      for (const migration of migrations) {
        if (applied.has(migration.name)) {
          result.alreadyApplied.push(migration.name);
          continue;
        }
        await applyOne(client, migration);
        log.info({ migration: migration.name }, 'migration applied');
        result.applied.push(migration.name);
      }
      return result;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } finally {
    await client.end();
  }
}

function checkHistory(migrations: Migration[], applied: Map<string, AppliedRow>): void {
  const local = new Map(migrations.map((m) => [m.name, m]));
  for (const [name, row] of applied) {
    if (row.finished_at === null) {
      throw new MigrationError(`migration ${name} started but never finished; resolve it by hand before migrating again`);
    }
    const mine = local.get(name);
    if (!mine) throw new MigrationError(`migration ${name} is applied to the database but missing from the migrations directory`);
    if (mine.checksum !== row.checksum) {
      throw new MigrationError(
        `migration ${name} was edited after it was applied (checksum ${row.checksum.slice(0, 12)}… in the database, ${mine.checksum.slice(0, 12)}… on disk); add a new migration instead`,
      );
    }
  }
}

async function applyOne(client: pg.Client, migration: Migration): Promise<void> {
  const id = crypto.randomUUID();
  await client.query('BEGIN');
  try {
    await client.query(
      'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
      [id, migration.checksum, migration.name],
    );
    await client.query(migration.sql);
    await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw new MigrationError(`migration ${migration.name} failed and was rolled back: ${(error as Error).message}`);
  }
}

export interface MigrationStatus {
  pending: string[];
  applied: string[];
  upToDate: boolean;
}

/** Anything that runs a query: a pg Client or Pool (an application's own pool, for probes). */
export interface Queryable {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface StatusOptions extends MigrateOptions {
  /** Migrations already read (a readiness probe reads and hashes the files once, not per call). */
  migrations?: Migration[];
}

/**
 * Read-only comparison of the database with the migrations directory (for readiness checks).
 * Pass a URL to open a short-lived connection, or a Client/Pool to reuse one.
 */
export async function migrationStatus(target: string | Queryable, options: StatusOptions = {}): Promise<MigrationStatus> {
  const migrations = options.migrations ?? readMigrations(options.migrationsDir);
  if (typeof target !== 'string') return statusWith(target, migrations);
  const client = new pg.Client({ connectionString: target });
  await client.connect();
  try {
    return await statusWith(client, migrations);
  } finally {
    await client.end();
  }
}

async function statusWith(db: Queryable, migrations: Migration[]): Promise<MigrationStatus> {
  const exists = await db.query<{ ok: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS ok`);
  const names = exists.rows[0]?.ok
    ? new Set((await db.query<{ migration_name: string }>(
        'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      )).rows.map((row) => row.migration_name))
    : new Set<string>();
  const pending = migrations.filter((m) => !names.has(m.name)).map((m) => m.name);
  return { pending, applied: [...names], upToDate: pending.length === 0 };
}
