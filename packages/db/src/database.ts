// The one way to get a database: DATABASE_URL when set, otherwise the embedded server with its
// data under `.stratum/postgres` and a `stratum` database in it.
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded.js';
import { silentLogger, type DbLogger } from './log.js';

export interface DatabaseOptions {
  /** From the app's validated env; undefined → embedded PostgreSQL. */
  databaseUrl?: string | undefined;
  /** Embedded data directory (default `.stratum/postgres` in the working directory). */
  dataDir?: string;
  /** Database name inside the embedded server. */
  database?: string;
  log?: DbLogger;
}

export interface Database {
  url: string;
  embedded: EmbeddedServer | undefined;
  /** Stops the embedded server if this process started it; a no-op otherwise. */
  close(): Promise<void>;
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<Database> {
  if (options.databaseUrl) {
    return { url: options.databaseUrl, embedded: undefined, close: async () => undefined };
  }
  const log = options.log ?? silentLogger;
  const embedded = await startEmbeddedPostgres({ ...(options.dataDir ? { dataDir: options.dataDir } : {}), log });
  const name = options.database ?? 'stratum';
  await ensureDatabase(embedded.url, name);
  return { url: embedded.databaseUrl(name), embedded, close: () => embedded.stop() };
}

/** CREATE DATABASE if missing (tolerating a concurrent creator). */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return;
    await client.query(`CREATE DATABASE ${quoteIdent(name)}`).catch((error: { code?: string }) => {
      if (error.code !== '42P04') throw error; // duplicate_database: someone else won the race
    });
  } finally {
    await client.end();
  }
}

export function quoteIdent(name: string): string {
  return '"' + name.replace(/"/g, '""') + '"';
}
