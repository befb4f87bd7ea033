// Fault-test harness: a real API (in-process, its own database, restartable on the same port),
// runs and jobs seeded with SQL, and real agent daemons spawned as `node apps/agent/dist/cli.js`
// processes with their own tokens and work dirs, so they can be SIGKILLed and SIGTERMed.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import type pg from 'pg';
import { createTestDatabase, type TestDatabase } from '@stratum/db/testing';
import { loadConfig, startApi, type ApiConfig, type RunningApi } from '@stratum/api';
import { WORKER_PATH } from '@stratum/agent';
import { tinyTrainConfig } from '../support/seed.js';

export const AGENT_CLI = path.join(path.dirname(WORKER_PATH), '..', 'cli.js');

export interface FaultApi {
  url: string;
  db: TestDatabase;
  dataDir: string;
  /** The API's pool (survives nothing: re-read after restart()). */
  pool(): pg.Pool;
  running(): RunningApi | null;
  agentToken(label: string): Promise<string>;
  /** A researcher token (WRITER) for mutations such as cancelRun. */
  writerToken(): Promise<string>;
  /** POSTs a GraphQL operation; throws on errors. */
  graphql<T>(token: string, query: string, variables?: Record<string, unknown>): Promise<T>;
  /** Stops the API (connections refused) and starts it again on the same port and database after `downMs`. */
  restart(downMs: number): Promise<void>;
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
  logLines: string[];
}

export async function startFaultApi(env: Record<string, string> = {}): Promise<FaultApi> {
  const db = await createTestDatabase('agent_fault');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-agent-fault-api-'));
  const logLines: string[] = [];
  let config: ApiConfig = loadConfig({
    DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', STRATUM_DATA_DIR: dataDir, TOKEN_PEPPER: 'agent-fault-test-pepper-0123456789',
    LOG_LEVEL: 'warn', REAPER_INTERVAL_MS: '200', BACKOFF_BASE_SECONDS: '0.2', BACKOFF_MAX_SECONDS: '1', ...env,
  });
  const log = pino({ level: config.LOG_LEVEL }, { write: (line: string) => void logLines.push(line) });
  let api: RunningApi | null = await startApi(config, { log, bootstrapAdmin: false });
  config = { ...config, PORT: api.port }; // restarts bind the same port
  const url = api.url;
  const handle: FaultApi = {
    url, db, dataDir, logLines,
    pool: () => {
      if (!api) throw new Error('the API is stopped');
      return api.services.pool;
    },
    running: () => api,
    agentToken: async (label) => {
      if (!api) throw new Error('the API is stopped');
      return (await api.services.tokens.create('AGENT', label)).token;
    },
    writerToken: async () => {
      if (!api) throw new Error('the API is stopped');
      return (await api.services.tokens.create('WRITER', 'fault-test writer')).token;
    },
    graphql: async <T>(token: string, query: string, variables: Record<string, unknown> = {}) => {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: T; errors?: Array<{ message: string }> };
      if (body.errors?.length) throw new Error(`GraphQL error: ${JSON.stringify(body.errors)}`);
      return body.data as T;
    },
    stop: async () => {
      const current = api;
      api = null;
      await current?.close();
    },
    start: async () => {
      api = await startApi(config, { log, bootstrapAdmin: false });
    },
    restart: async (downMs) => {
      await handle.stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await handle.start();
    },
    close: async () => {
      await handle.stop();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** A tiny but real run config (seed.ts's, trained longer): a step takes milliseconds on wasm. */
export function tinyConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return tinyTrainConfig({ steps: 200, checkpointEvery: 50, ...overrides });
}

let projectCounter = 0;

export interface SeededRun {
  runId: string;
  jobId: string;
}

export interface SeedOptions {
  maxAttempts?: number;
  name?: string;
  /** Put the run in this sweep (see seedSweep) with these cell factors. */
  sweep?: { projectId: string; sweepId: string };
  mode?: 'E2E' | 'BLOCKWISE_SIMULTANEOUS' | 'BLOCKWISE_SEQUENTIAL';
  blocks?: number;
  seed?: number;
}

/** A project and an (already expanded) sweep to put runs in, as createSweep would leave them. */
export async function seedSweep(api: FaultApi): Promise<{ projectId: string; sweepId: string }> {
  const pool = api.pool();
  const project = await pool.query<{ id: string }>('INSERT INTO projects (name) VALUES ($1) RETURNING id', [`agent-fault-${++projectCounter}-${crypto.randomBytes(3).toString('hex')}`]);
  const sweep = await pool.query<{ id: string }>("INSERT INTO sweeps (project_id, name, spec, spec_hash, expansion) VALUES ($1, 'fault-sweep', '{}', 'h', '[]') RETURNING id", [project.rows[0]!.id]);
  return { projectId: project.rows[0]!.id, sweepId: sweep.rows[0]!.id };
}

/** Inserts a run with `config` (in a new project, or the given sweep) and its queued TRAIN job. */
export async function seedRun(api: FaultApi, config: Record<string, unknown>, options: SeedOptions = {}): Promise<SeededRun> {
  const pool = api.pool();
  const projectId = options.sweep?.projectId
    ?? (await pool.query<{ id: string }>('INSERT INTO projects (name) VALUES ($1) RETURNING id', [`agent-fault-${++projectCounter}-${crypto.randomBytes(3).toString('hex')}`])).rows[0]!.id;
  // The row agrees with the config, as the API's createRun makes it: mode from the regime, K from
  // blocks (the agent reports block depths at the config's K, which must be one of the run's).
  const regime = typeof config.regime === 'string' ? config.regime : 'e2e';
  const mode = options.mode ?? ({ e2e: 'E2E', simultaneous: 'BLOCKWISE_SIMULTANEOUS', sequential: 'BLOCKWISE_SEQUENTIAL' } as Record<string, string>)[regime] ?? 'E2E';
  const blocks = options.blocks ?? (typeof config.blocks === 'number' ? config.blocks : 1);
  const run = await pool.query<{ id: string }>(
    `INSERT INTO runs (project_id, sweep_id, name, mode, model_size, blocks, seed, dataset, config)
     VALUES ($1, $2, $3, $4::"RunMode", 'nano', $5, $6, 'moving-mnist', $7::jsonb) RETURNING id`,
    [projectId, options.sweep?.sweepId ?? null, options.name ?? 'fault-run', mode, blocks, options.seed ?? 0, JSON.stringify(config)],
  );
  const job = await pool.query<{ id: string }>('INSERT INTO jobs (run_id, max_attempts) VALUES ($1, $2) RETURNING id', [run.rows[0]!.id, options.maxAttempts ?? 3]);
  return { runId: run.rows[0]!.id, jobId: job.rows[0]!.id };
}

export interface JobRow {
  status: string;
  attempts: number;
  last_error: string | null;
  run_status: string;
  run_error: string | null;
  agent_id: string | null;
  backend: string | null;
}

export async function jobRow(api: FaultApi, jobId: string): Promise<JobRow> {
  const { rows } = await api.pool().query<JobRow>(
    `SELECT j.status::text, j.attempts, j.last_error, r.status::text AS run_status, r.error AS run_error, r.agent_id, r.backend
     FROM jobs j JOIN runs r ON r.id = j.run_id WHERE j.id = $1`,
    [jobId],
  );
  return rows[0]!;
}

export interface PointRow {
  key: string;
  block: number;
  step: number;
  value: number;
}

export async function points(api: FaultApi, runId: string, key?: string): Promise<PointRow[]> {
  const { rows } = await api.pool().query<PointRow>(
    `SELECT k.name AS key, p.block, p.step, p.value FROM metric_points p JOIN metric_keys k ON k.id = p.key_id
     WHERE p.run_id = $1 AND ($2::text IS NULL OR k.name = $2) ORDER BY k.name, p.block, p.step`,
    [runId, key ?? null],
  );
  return rows;
}

export async function checkpoints(api: FaultApi, runId: string): Promise<Array<{ step: number; sha256: string }>> {
  const { rows } = await api.pool().query<{ step: number; sha256: string }>('SELECT step, sha256 FROM checkpoints WHERE run_id = $1 ORDER BY step', [runId]);
  return rows;
}

export interface AgentProcess {
  child: ChildProcess;
  workDir: string;
  /** Parsed JSON log lines (stdout of the daemon and its workers). */
  logs: Array<Record<string, unknown>>;
  /** Raw stderr. */
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first log line matching `predicate`. */
  waitForLog(predicate: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

export interface AgentSpawnOptions {
  token: string;
  workDir?: string;
  name?: string;
  args?: string[];
  env?: Record<string, string>;
}

const agents = new Set<AgentProcess>();
const workDirs = new Set<string>();

export function spawnAgent(api: FaultApi, options: AgentSpawnOptions): AgentProcess {
  const workDir = options.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-agent-work-'));
  workDirs.add(workDir);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    STRATUM_URL: api.url,
    STRATUM_TOKEN: options.token,
    STRATUM_WORK_DIR: workDir,
    STRATUM_BACKEND: 'wasm',
    STRATUM_DEVICES: 'cpu',
    STRATUM_POLL_MIN_MS: '100',
    STRATUM_POLL_MAX_MS: '400',
    STRATUM_BATCH_MS: '200',
    STRATUM_SYSTEM_METRICS_MS: '500',
    STRATUM_KILL_GRACE_MS: '1000',
    STRATUM_LOG_LEVEL: 'debug',
    ...(options.name ? { STRATUM_AGENT_NAME: options.name } : {}),
    ...options.env,
  };
  const child = spawn(process.execPath, [AGENT_CLI, ...(options.args ?? [])], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Array<Record<string, unknown>> = [];
  const listeners = new Set<(line: Record<string, unknown>) => void>();
  let pending = '';
  child.stdout!.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    let newline: number;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const text = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(text) as Record<string, unknown>;
      } catch {
        line = { msg: text, raw: true };
      }
      logs.push(line);
      for (const listener of listeners) listener(line);
    }
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const agent: AgentProcess = {
    child, workDir, logs, exited,
    stderr: () => stderr,
    waitForLog: (predicate, timeoutMs = 60_000) => {
      const found = logs.find(predicate);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          listeners.delete(listener);
          reject(new Error(`no matching agent log line within ${timeoutMs} ms; last lines:\n${logs.slice(-15).map((l) => JSON.stringify(l)).join('\n')}\nstderr: ${stderr.slice(-2000)}`));
        }, timeoutMs);
        const listener = (line: Record<string, unknown>) => {
          if (!predicate(line)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          resolve(line);
        };
        listeners.add(listener);
        void exited.then(({ code, signal }) => {
          if (!listeners.has(listener)) return;
          clearTimeout(timer);
          listeners.delete(listener);
          reject(new Error(`agent exited (${signal ?? code}) before the awaited log line; stderr: ${stderr.slice(-2000)}`));
        });
      });
    },
  };
  agents.add(agent);
  void exited.then(() => agents.delete(agent));
  return agent;
}

/** Kills every agent this file started that is still running and removes their work dirs (afterEach). */
export async function killAgents(): Promise<void> {
  const running = [...agents];
  for (const agent of running) {
    if (agent.child.exitCode === null && agent.child.signalCode === null) agent.child.kill('SIGKILL');
  }
  await Promise.all(running.map((a) => a.exited));
  for (const dir of workDirs) fs.rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
  workDirs.clear();
}

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export { waitFor } from '../support/processes.js';
