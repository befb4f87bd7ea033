// A PostgreSQL primary and a streaming replica of it, made by the tests themselves from the
// machine's PostgreSQL binaries (Debian's postgresql-15 by default, STRATUM_PG_BIN to choose):
// initdb into a temp directory with wal_level=replica, then `pg_basebackup -R` into a second one
// on another port. Independent of the machine's own server and its configuration. As root, the
// servers run as the `postgres` OS user (PostgreSQL refuses root).
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from '@stratum/db';

const run = promisify(execFile);
export const PG_BIN = process.env.STRATUM_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** Why the cluster cannot be built here, or null when it can. */
export function clusterUnavailable(): string | null {
  for (const tool of ['initdb', 'pg_ctl', 'pg_basebackup', 'postgres']) {
    if (!fs.existsSync(path.join(PG_BIN, tool))) return `${path.join(PG_BIN, tool)} is missing (install Debian's postgresql-15, or set STRATUM_PG_BIN)`;
  }
  if (process.getuid?.() === 0 && spawnSync('id', ['-u', 'postgres']).status !== 0) return 'running as root and there is no `postgres` OS user to run PostgreSQL as';
  return null;
}

const asRoot = process.getuid?.() === 0;

/** Runs a PostgreSQL tool, as `postgres` when we are root. */
async function pgTool(tool: string, args: string[]): Promise<string> {
  const file = path.join(PG_BIN, tool);
  const [cmd, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args];
  try {
    const { stdout } = await run(cmd, argv, { cwd: os.tmpdir(), maxBuffer: 16 * 1024 ** 2, env: { PATH: process.env.PATH ?? '', LC_ALL: 'C' } });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`${tool} ${args.join(' ')} failed: ${e.stderr || e.stdout || e.message}`);
  }
}

function ownedDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (asRoot) spawnSync('chown', ['-R', 'postgres:postgres', dir]);
  return dir;
}

export interface PgServer {
  port: number;
  dataDir: string;
  /** URL of `database` on this server. */
  url(database?: string): string;
  /** The server log so far (last 20 kB). */
  log(): string;
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
}

function server(root: string, port: number): PgServer {
  const dataDir = path.join(root, 'data');
  const logFile = path.join(root, 'server.log');
  let stopped = false;
  return {
    port,
    dataDir,
    url: (database = 'postgres') => `postgresql://postgres@127.0.0.1:${port}/${database}`,
    log: () => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-20_000) : ''),
    stop: async (mode = 'fast') => {
      if (stopped) return;
      stopped = true;
      await pgTool('pg_ctl', ['-D', dataDir, '-m', mode, '-w', '-t', '60', 'stop']).catch(() => undefined);
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

async function start(root: string, port: number): Promise<PgServer> {
  const handle = server(root, port);
  await pgTool('pg_ctl', ['-D', handle.dataDir, '-l', path.join(root, 'server.log'), '-w', '-t', '120', 'start']).catch((error: Error) => {
    throw new Error(`${error.message}\n${handle.log()}`);
  });
  return handle;
}

/** A fresh primary on a free loopback port, ready to serve a streaming replica. */
export async function startPrimary(): Promise<PgServer> {
  const root = ownedDir('stratum-pg-primary-');
  const dataDir = path.join(root, 'data');
  await pgTool('initdb', ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C']);
  const port = await freePort();
  // initdb's pg_hba.conf already trusts replication connections from 127.0.0.1.
  fs.appendFileSync(path.join(dataDir, 'postgresql.conf'), [
    '', '# stratum scale tests', `port = ${port}`, "listen_addresses = '127.0.0.1'", `unix_socket_directories = '${root}'`,
    'wal_level = replica', 'max_wal_senders = 5', 'max_connections = 200', 'shared_buffers = 128MB', '',
  ].join('\n'));
  return start(root, port);
}

/** A hot standby of `primary` (pg_basebackup -R: streaming replication), on its own port. */
export async function startReplica(primary: PgServer): Promise<PgServer> {
  const root = ownedDir('stratum-pg-replica-');
  const dataDir = path.join(root, 'data');
  await pgTool('pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', dataDir, '-R', '-X', 'stream', '-c', 'fast']);
  const port = await freePort();
  fs.appendFileSync(path.join(dataDir, 'postgresql.conf'), ['', '# the replica', `port = ${port}`, `unix_socket_directories = '${root}'`, 'hot_standby = on', ''].join('\n'));
  const replica = await start(root, port);
  const client = new pg.Client({ connectionString: replica.url() });
  await client.connect();
  try {
    const { rows } = await client.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r');
    if (!rows[0]?.r) throw new Error('the replica is not in recovery');
  } finally {
    await client.end();
  }
  return replica;
}

/** Creates `name` on the primary (it streams to the replica like every other change). */
export async function createDatabase(primary: PgServer, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: primary.url() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
  return primary.url(name);
}

/** Waits until the replica has replayed everything the primary had written when called. */
export async function waitForReplay(primary: PgServer, replica: PgServer, timeoutMs = 30_000): Promise<void> {
  const p = new pg.Client({ connectionString: primary.url() });
  const r = new pg.Client({ connectionString: replica.url() });
  await p.connect();
  await r.connect();
  try {
    const lsn = (await p.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await r.query<{ done: boolean }>('SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS done', [lsn]);
      if (rows[0]?.done) return;
      if (Date.now() > deadline) throw new Error(`the replica did not replay up to ${lsn} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await p.end();
    await r.end();
  }
}
