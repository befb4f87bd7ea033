// The CLI under test runs as a real child process (node dist/cli/index.js) against a real API
// started in-process on a fresh, migrated test database. Seeding goes through the API where it
// can, and straight into the test database with SQL for bulk metrics and evaluations.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { loadConfig, startApi, type RunningApi } from '@stratum/api';
import { freePort } from '@stratum/db';
import { createTestDatabase, type TestDatabase } from '@stratum/db/testing';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
export const CLI = path.join(root, 'dist', 'cli', 'index.js');
const RSS_PRELOAD = path.join(root, 'test', 'fixtures', 'report-rss.mjs');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident set size of the child in KiB (only with measureRss). */
  peakRssKiB?: number;
}

export interface CliOptions {
  env?: Record<string, string | undefined>;
  input?: string;
  /** Token role to use (default writer); null: no token in the environment. */
  as?: 'admin' | 'writer' | 'reader' | null;
  measureRss?: boolean;
  /** Extra node flags for the child (before the script). */
  nodeFlags?: string[];
  cwd?: string;
  timeoutMs?: number;
  /** Close the read end of the child's stdout once this many characters have arrived (`| head`). */
  closeStdoutAfter?: number;
}

export interface RunningCli {
  result: Promise<CliResult>;
  /** Resolves once stderr matches (rejects if the process exits first). */
  stderrMatches(pattern: RegExp): Promise<void>;
}

export interface Stack {
  api: RunningApi;
  db: TestDatabase;
  pool: pg.Pool;
  url: string;
  tokens: { admin: string; writer: string; reader: string };
  /** A scratch HOME / XDG_CONFIG_HOME for the child processes. */
  home: string;
  cli(args: readonly string[], options?: CliOptions): Promise<CliResult>;
  /** Starts the CLI and returns at once: its result, and a way to wait for output on stderr. */
  spawnCli(args: readonly string[], options?: CliOptions): RunningCli;
  /** POST a GraphQL operation as the writer (for seeding and cross-checks). */
  gql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  close(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const db = await createTestDatabase('client');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-client-api-'));
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-client-home-'));
  const config = loadConfig({
    DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', STRATUM_DATA_DIR: dataDir,
    TOKEN_PEPPER: 'client-test-pepper-0123456789', LOG_LEVEL: 'silent', REAPER_INTERVAL_MS: '60000',
  });
  const api = await startApi(config, { bootstrapAdmin: false });
  const tokens = {
    admin: (await api.services.tokens.create('ADMIN', 'client test admin')).token,
    writer: (await api.services.tokens.create('WRITER', 'client test writer')).token,
    reader: (await api.services.tokens.create('READER', 'client test reader')).token,
  };
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });

  const spawnCli = (args: readonly string[], options: CliOptions = {}): RunningCli => {
    const role = options.as === undefined ? 'writer' : options.as;
    const rssFile = options.measureRss ? path.join(home, `rss-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`) : undefined;
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      XDG_CONFIG_HOME: path.join(home, '.config'),
      STRATUM_URL: api.url,
      ...(role ? { STRATUM_TOKEN: tokens[role] } : {}),
      ...(rssFile ? { STRATUM_TEST_RSS_FILE: rssFile } : {}),
    };
    for (const [key, value] of Object.entries(options.env ?? {})) {
      if (value === undefined) delete env[key];
      else env[key] = value;
    }
    const nodeArgs = [...(options.nodeFlags ?? []), ...(rssFile ? ['--import', RSS_PRELOAD] : []), CLI, ...args];
    const child = spawn(process.execPath, nodeArgs, { env, cwd: options.cwd ?? home, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const watchers: Array<() => void> = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (options.closeStdoutAfter !== undefined && stdout.length >= options.closeStdoutAfter) child.stdout.destroy();
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; for (const w of [...watchers]) w(); });
    const result = new Promise<CliResult>((resolve, reject) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 45_000);
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        const outcome: CliResult = { code, stdout, stderr };
        if (rssFile && fs.existsSync(rssFile)) outcome.peakRssKiB = Number(fs.readFileSync(rssFile, 'utf8'));
        for (const w of [...watchers]) w();
        resolve(outcome);
      });
      child.stdin.end(options.input ?? '');
    });
    let closed = false;
    void result.then(() => { closed = true; });
    const stderrMatches = (pattern: RegExp) => new Promise<void>((resolve, reject) => {
      const check = () => {
        if (pattern.test(stderr)) { watchers.splice(watchers.indexOf(check), 1); resolve(); } else if (closed || child.exitCode !== null) { watchers.splice(watchers.indexOf(check), 1); reject(new Error(`exited before stderr matched ${pattern}: ${stderr}`)); }
      };
      watchers.push(check);
      check();
    });
    return { result, stderrMatches };
  };
  const cli = (args: readonly string[], options: CliOptions = {}): Promise<CliResult> => spawnCli(args, options).result;

  const gql = async <T>(query: string, variables: Record<string, unknown> = {}): Promise<T> => {
    const response = await fetch(`${api.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.writer}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown[] };
    if (body.errors?.length) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
    return body.data as T;
  };

  return {
    api, db, pool, url: api.url, tokens, home, cli, spawnCli, gql,
    close: async () => {
      await pool.end();
      await api.close();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
      fs.rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A loopback port nothing listens on (bound, then released): an API that is down. */
export const closedPort = freePort;
