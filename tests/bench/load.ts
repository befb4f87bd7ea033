// Load: simulated agents and dashboard readers against a real API over loopback, then a check
// that every metric point arrived exactly once.
//
//   npm run bench:load -w @stratum/tests      (60 s, 16 agents, 8 readers; DATABASE_URL's server
//                                               if set, else an embedded PostgreSQL)
//   LOAD_SECONDS=10 LOAD_AGENTS=4 LOAD_READERS=2 npm run bench:load -w @stratum/tests
//
// The API runs in its own process (`stratum-api serve`, the compiled dist), as in production.
// Each agent has its own AGENT token: it registers, claims one job of a sweep, heartbeats every
// second, and every 100 ms sends the metrics of the steps it trained since (columnar logMetrics,
// one request in flight, like the agent's spool pipeline); a failed send is retried until
// acknowledged, and one batch in ten is sent twice (a lost acknowledgement) and must come back
// entirely as duplicates. Readers loop without pause over metricSeries, runs and sweepGrid of
// the sweep. Afterwards every stored point is compared with what was sent.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { hashToken, generateToken } from '@stratum/api';
import { freePort, startEmbeddedPostgres, type EmbeddedServer } from '@stratum/db';
import { createTestDatabase } from '@stratum/db/testing';
import { startApiProcess, type ApiProcess } from '../support/processes.js';

export interface LoadOptions {
  seconds: number;
  agents: number;
  readers: number;
  /** How often each agent sends its metrics. */
  intervalMs: number;
  /** Training steps each send covers (a nano trainer on a GPU does ~100 steps/s). */
  stepsPerSend: number;
  /** A fresh, migrated database for this run. */
  databaseUrl: string;
  /** An API already running on databaseUrl (a load balancer, say) instead of one started here; its tokens are hashed with `pepper`. */
  target?: { url: string; pepper: string };
  /** Progress lines (stderr in the CLI). */
  progress?: (line: string) => void;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  seconds: number;
  agents: number;
  readers: number;
  intervalMs: number;
  pointsSent: number;
  pointsPerSecond: number;
  replays: number;
  latency: Record<string, LatencySummary>;
  all: LatencySummary;
  readerRequestsPerSecond: number;
  errors: number;
  /** Failed requests by operation (a failed logMetrics is retried until acknowledged). */
  errorsByOp: Record<string, number>;
  errorSamples: string[];
  /** Points sent (and acknowledged) but not stored. */
  lost: number;
  /** Points stored more than once, acknowledged as new more than once, or stored but never sent. */
  duplicated: number;
  /** Stored points whose value differs from the one sent. */
  wrongValues: number;
  /** Series rollup rows that differ from the rollups of the stored points (missing, extra or wrong). */
  rollupMismatches: number;
  storedPoints: number;
  /** What each agent sent: its run, K, and steps 0 … steps − 1. */
  runs: AgentRun[];
}

const PEPPER = 'load-bench-pepper-0123456789abcdef';
const WHOLE_MODEL_KEYS = ['loss', 'lr', 'grad_norm'];
const BLOCK_KEYS = ['loss_trivial']; // per block, as a blockwise trainer logs it

interface Timed { ms: number; data?: Record<string, unknown>; error?: string }

class Client {
  constructor(private readonly url: string, private readonly token: string) {}

  async post(query: string, variables: Record<string, unknown>): Promise<Timed> {
    const started = performance.now();
    try {
      const response = await fetch(`${this.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: Record<string, unknown>; errors?: Array<{ message: string; extensions?: { code?: string } }> };
      const ms = performance.now() - started;
      if (!response.ok || body.errors?.length) return { ms, error: `HTTP ${response.status}: ${body.errors?.map((e) => `${e.extensions?.code}: ${e.message}`).join('; ')}` };
      return { ms, data: body.data ?? {} };
    } catch (error) {
      return { ms: performance.now() - started, error: (error as Error).message };
    }
  }

  /** For set-up steps: the data, or throw. */
  async ok<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const result = await this.post(query, variables);
    if (result.error) throw new Error(result.error);
    return result.data as T;
  }
}

class Recorder {
  readonly samples = new Map<string, number[]>();
  errors = 0;
  readonly errorsByOp: Record<string, number> = {};
  readonly errorSamples: string[] = [];

  record(op: string, result: Timed): Timed {
    let list = this.samples.get(op);
    if (!list) this.samples.set(op, (list = []));
    list.push(result.ms);
    if (result.error) {
      this.errors++;
      this.errorsByOp[op] = (this.errorsByOp[op] ?? 0) + 1;
      if (this.errorSamples.length < 10) this.errorSamples.push(`${op}: ${result.error}`);
    }
    return result;
  }
}

export function summarize(values: number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => (sorted.length ? (sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] as number) : NaN);
  return { count: sorted.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.length ? (sorted[sorted.length - 1] as number) : NaN };
}

/** The value an agent logs for (run, key, block, step): deterministic, so the check can recompute it. */
export function metricValue(run: number, key: number, block: number, step: number): number {
  return Math.exp(-step / 5_000) * (1 + 0.25 * Math.sin(step * 0.37 + key * 1.3 + block * 0.7)) + run * 1e-3;
}

export interface AgentRun { runIndex: number; runId: string; blocks: number; steps: number; batches: number }

const LOG = `mutation($jobId: ID!, $fencingToken: String!, $batchId: String!, $columns: MetricColumnsInput) {
  logMetrics(jobId: $jobId, fencingToken: $fencingToken, batchId: $batchId, columns: $columns) { accepted duplicates } }`;
const HEARTBEAT = 'mutation($jobId: ID!, $fencingToken: String!, $progress: JSON) { heartbeat(jobId: $jobId, fencingToken: $fencingToken, progress: $progress) { cancelRequested } }';

async function runAgent(url: string, token: string, index: number, blocksOf: Map<string, number>, options: LoadOptions, deadline: number, recorder: Recorder, acks: { accepted: number; replays: number; duplicatesOnReplay: number; acceptedOnReplay: number }): Promise<AgentRun> {
  const client = new Client(url, token);
  const agent = (await client.ok<{ registerAgent: { id: string } }>('mutation($n: String!) { registerAgent(name: $n, host: "load-host", backends: ["cpu"], labels: { lane: "load" }) { id } }', { n: `load-agent-${index}-${token.slice(4, 12)}` })).registerAgent;
  const claim = (await client.ok<{ claimJob: { jobId: string; runId: string; fencingToken: string } | null }>('mutation($a: ID!) { claimJob(agentId: $a) { jobId runId fencingToken } }', { a: agent.id })).claimJob;
  if (!claim) throw new Error(`agent ${index} found no job to claim`);
  const lease = { jobId: claim.jobId, fencingToken: claim.fencingToken };
  const blocks = blocksOf.get(claim.runId) ?? 1;
  const runIndex = [...blocksOf.keys()].indexOf(claim.runId);
  let step = 0;
  let batches = 0;
  let stopped = false;

  const heartbeats = (async () => {
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      if (stopped) break;
      recorder.record('heartbeat', await client.post(HEARTBEAT, { ...lease, progress: { step } }));
    }
  })();

  let next = performance.now();
  while (Date.now() < deadline) {
    const wait = next - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    next += options.intervalMs;
    const columns = { keys: [] as string[], blocks: [] as Array<number | null>, steps: [] as number[], values: [] as number[], wallTimes: [] as number[] };
    const now = Date.now();
    for (let s = step; s < step + options.stepsPerSend; s++) {
      WHOLE_MODEL_KEYS.forEach((key, k) => {
        columns.keys.push(key); columns.blocks.push(null); columns.steps.push(s); columns.values.push(metricValue(runIndex, k, 0, s)); columns.wallTimes.push(now);
      });
      for (let b = 1; b <= blocks; b++) {
        BLOCK_KEYS.forEach((key, k) => {
          columns.keys.push(key); columns.blocks.push(b); columns.steps.push(s); columns.values.push(metricValue(runIndex, WHOLE_MODEL_KEYS.length + k, b, s)); columns.wallTimes.push(now);
        });
      }
    }
    const batchId = `${lease.jobId}:${lease.fencingToken}:${batches}`;
    // Like the spool: retried until acknowledged (errors are counted, the batch is not dropped).
    let sent: Timed | null = null;
    for (let attempt = 0; attempt < 20 && !sent; attempt++) {
      const result = recorder.record('logMetrics', await client.post(LOG, { ...lease, batchId, columns }));
      if (!result.error) sent = result;
      else await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
    }
    if (!sent) throw new Error(`agent ${index}: batch ${batchId} never acknowledged; last errors: ${recorder.errorSamples.slice(-3).join(' | ')}`);
    acks.accepted += (sent.data!.logMetrics as { accepted: number }).accepted;
    if (batches % 10 === 5) {
      // The acknowledgement "was lost": the spool sends the batch again.
      const replay = recorder.record('logMetrics (replay)', await client.post(LOG, { ...lease, batchId, columns }));
      acks.replays++;
      if (!replay.error) {
        const r = replay.data!.logMetrics as { accepted: number; duplicates: number };
        acks.acceptedOnReplay += r.accepted;
        acks.duplicatesOnReplay += r.duplicates;
      }
    }
    step += options.stepsPerSend;
    batches++;
  }
  stopped = true;
  await heartbeats;
  recorder.record('completeJob', await client.post('mutation($jobId: ID!, $fencingToken: String!) { completeJob(jobId: $jobId, fencingToken: $fencingToken) { status } }', lease));
  return { runIndex, runId: claim.runId, blocks, steps: step, batches };
}

const READS: Array<{ name: string; query: string; variables: (sweepId: string, runIds: string[], i: number) => Record<string, unknown> }> = [
  {
    name: 'metricSeries',
    query: 'query($r: [ID!]!) { metricSeries(runIds: $r, keys: ["loss", "loss_trivial"], maxPoints: 500) { runId key block pointCount steps values } }',
    variables: (_s, runIds, i) => ({ r: [0, 1, 2, 3].map((k) => runIds[(i + k) % runIds.length]) }),
  },
  {
    name: 'runs',
    query: 'query($s: ID!) { runs(filter: { sweepId: $s }, first: 50) { totalCount nodes { id name status seed blocks mode startedAt } } }',
    variables: (s) => ({ s }),
  },
  {
    name: 'sweepGrid',
    query: 'query($s: ID!) { sweepGrid(sweepId: $s, metric: { source: TRAINING, key: "loss" }) { cells { modelSize blocks mode n mean std ciLow ciHigh running } } }',
    variables: (s) => ({ s }),
  },
];

async function runReader(url: string, token: string, index: number, sweepId: string, runIds: string[], deadline: number, recorder: Recorder): Promise<number> {
  const client = new Client(url, token);
  let requests = 0;
  for (let i = index; Date.now() < deadline; i++) {
    const read = READS[i % READS.length]!;
    recorder.record(read.name, await client.post(read.query, read.variables(sweepId, runIds, i)));
    requests++;
  }
  return requests;
}

/** Compares every stored point of the agents' runs with what they sent. */
export async function verify(databaseUrl: string, runs: AgentRun[]): Promise<{ lost: number; duplicated: number; wrongValues: number; rollupMismatches: number; stored: number; expected: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const keyIndex = new Map([...WHOLE_MODEL_KEYS, ...BLOCK_KEYS].map((k, i) => [k, i]));
    let lost = 0;
    let duplicated = 0;
    let wrongValues = 0;
    let stored = 0;
    let expected = 0;
    for (const run of runs) {
      // Exact copies counted apart: the primary key forbids them, but this check does not rely on it.
      const { rows } = await client.query<[string, number, number, number, number]>({
        text: `SELECT k.name, p.block, p.step, p.value, count(*) OVER (PARTITION BY p.key_id, p.block, p.step)::int
               FROM metric_points p JOIN metric_keys k ON k.id = p.key_id WHERE p.run_id = $1`,
        values: [run.runId],
        rowMode: 'array',
      });
      stored += rows.length;
      const seen = new Set<string>();
      for (const [key, block, step, value, copies] of rows) {
        const k = keyIndex.get(key);
        const perBlock = block > 0 && BLOCK_KEYS.includes(key);
        const sent = k !== undefined && step >= 0 && step < run.steps && (perBlock ? block <= run.blocks : block === 0 && WHOLE_MODEL_KEYS.includes(key));
        if (!sent || copies > 1) {
          duplicated++;
          continue;
        }
        seen.add(`${key}|${block}|${step}`);
        if (value !== metricValue(run.runIndex, k, block, step)) wrongValues++;
      }
      const perStep = WHOLE_MODEL_KEYS.length + BLOCK_KEYS.length * run.blocks;
      expected += perStep * run.steps;
      lost += perStep * run.steps - seen.size;
    }
    // The series rollups logMetrics kept, against rollups computed here from the stored points.
    const { rows: [mismatch] } = await client.query<{ n: number }>(
      `WITH want AS (
         SELECT p.run_id, p.key_id, p.block, l::int2 AS level, p.step >> l AS bucket, count(*)::int AS count, min(p.value) AS min, max(p.value) AS max,
                max(p.step) AS last_step, (array_agg(p.value ORDER BY p.step DESC))[1] AS last_value
         FROM metric_points p CROSS JOIN generate_series(4, 16) AS l WHERE p.run_id = ANY($1::uuid[]) GROUP BY 1, 2, 3, 4, 5),
       have AS (SELECT run_id, key_id, block, level, bucket, count, min, max, last_step, last_value FROM metric_rollups WHERE run_id = ANY($1::uuid[]))
       SELECT count(*)::int AS n FROM want w FULL JOIN have h USING (run_id, key_id, block, level, bucket)
       WHERE (w.count, w.min, w.max, w.last_step, w.last_value) IS DISTINCT FROM (h.count, h.min, h.max, h.last_step, h.last_value)`,
      [runs.map((run) => run.runId)]);
    return { lost, duplicated, wrongValues, rollupMismatches: mismatch!.n, stored, expected };
  } finally {
    await client.end();
  }
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const say = options.progress ?? (() => undefined);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-load-api-'));
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  let api: ApiProcess | undefined;
  const pepper = options.target?.pepper ?? PEPPER;
  try {
    // Rate limits off: the readers loop as fast as the API answers, far above what a person's dashboard
    // asks for, and would measure the limiter rather than the API (the limits have their own tests).
    if (!options.target) api = await startApiProcess({ DATABASE_URL: options.databaseUrl, STRATUM_DATA_DIR: dataDir, TOKEN_PEPPER: PEPPER, PORT: String(await freePort()), RATE_LIMIT_REQUESTS: '0' });
    const url = options.target?.url ?? api!.url;
    const tokens = { writer: generateToken(), reader: generateToken(), agents: Array.from({ length: options.agents }, () => generateToken()) };
    const insert = (token: string, role: string, label: string) =>
      pool.query('INSERT INTO api_tokens (label, role, hash, prefix) VALUES ($1, $2::"TokenRole", $3, $4)', [label, role, hashToken(token, pepper), token.slice(0, 10)]);
    await insert(tokens.writer, 'WRITER', 'load writer');
    await insert(tokens.reader, 'READER', 'load reader');
    for (const [i, token] of tokens.agents.entries()) await insert(token, 'AGENT', `load agent ${i}`);

    // A sweep with one run per agent: nano × K ∈ {2, 3} × {simultaneous, sequential} × seeds (blockwise
    // only: an E2E run is trained once for every K).
    const seeds = Array.from({ length: Math.ceil(options.agents / 4) }, (_, i) => i);
    const writer = new Client(url, tokens.writer);
    const sweep = (await writer.ok<{ createSweep: { sweep: { id: string; runs: Array<{ id: string; blocks: number }> } } }>(
      'mutation($i: CreateSweepInput!) { createSweep(input: $i) { sweep { id runs { id blocks } } } }',
      { i: { project: 'load', name: `load-${Date.now()}`, factors: { modelSizes: ['nano'], blocks: [2, 3], modes: ['BLOCKWISE_SIMULTANEOUS', 'BLOCKWISE_SEQUENTIAL'], seeds }, steps: 1_000_000, requirements: { labels: { lane: 'load' } } } },
    )).createSweep.sweep;
    const blocksOf = new Map(sweep.runs.map((r) => [r.id, r.blocks]));
    const runIds = sweep.runs.map((r) => r.id);
    say(`load: API ${url}${api ? ` (pid ${api.child.pid})` : ''}; sweep ${sweep.id} with ${runIds.length} runs; ${options.agents} agents every ${options.intervalMs} ms × ${options.stepsPerSend} steps, ${options.readers} readers, ${options.seconds} s`);

    const recorder = new Recorder();
    const acks = { accepted: 0, replays: 0, duplicatesOnReplay: 0, acceptedOnReplay: 0 };
    const started = Date.now();
    const deadline = started + options.seconds * 1_000;
    const readerCounts = Promise.all(Array.from({ length: options.readers }, (_, i) => runReader(url, tokens.reader, i, sweep.id, runIds, deadline, recorder)));
    const agentRuns = await Promise.all(tokens.agents.map((token, i) => runAgent(url, token, i, blocksOf, options, deadline, recorder, acks)));
    const readerRequests = (await readerCounts).reduce((a, b) => a + b, 0);
    const elapsed = (Date.now() - started) / 1_000;

    const perStep = (run: AgentRun) => WHOLE_MODEL_KEYS.length + BLOCK_KEYS.length * run.blocks;
    const pointsSent = agentRuns.reduce((n, run) => n + perStep(run) * run.steps, 0);
    const checked = await verify(options.databaseUrl, agentRuns);
    // The server must acknowledge each point as new exactly once: first sends accept them all,
    // replays accept none.
    const duplicated = checked.duplicated + acks.acceptedOnReplay + Math.max(0, acks.accepted - checked.expected);
    const latency = Object.fromEntries([...recorder.samples].map(([op, values]) => [op, summarize(values)]));
    const all = summarize([...recorder.samples.values()].flat());
    return {
      seconds: elapsed,
      agents: options.agents,
      readers: options.readers,
      intervalMs: options.intervalMs,
      pointsSent,
      pointsPerSecond: pointsSent / elapsed,
      replays: acks.replays,
      latency,
      all,
      readerRequestsPerSecond: readerRequests / elapsed,
      errors: recorder.errors + (api && api.child.exitCode !== null ? 1 : 0),
      errorsByOp: recorder.errorsByOp,
      errorSamples: recorder.errorSamples,
      lost: checked.lost,
      duplicated,
      wrongValues: checked.wrongValues,
      rollupMismatches: checked.rollupMismatches,
      storedPoints: checked.stored,
      runs: agentRuns,
    };
  } finally {
    await api?.stop();
    await pool.end();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : 'n/a');

export function formatResult(result: LoadResult): string[] {
  const lines = [
    `load: ${result.seconds.toFixed(1)} s, ${result.agents} agents, ${result.readers} readers`,
    `${'operation'.padEnd(22)} ${'count'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'max ms'.padStart(8)}`,
  ];
  for (const [op, s] of Object.entries(result.latency).sort()) {
    lines.push(`${op.padEnd(22)} ${String(s.count).padStart(8)} ${ms(s.p50).padStart(8)} ${ms(s.p95).padStart(8)} ${ms(s.p99).padStart(8)} ${ms(s.max).padStart(8)}`);
  }
  lines.push(`${'all requests'.padEnd(22)} ${String(result.all.count).padStart(8)} ${ms(result.all.p50).padStart(8)} ${ms(result.all.p95).padStart(8)} ${ms(result.all.p99).padStart(8)} ${ms(result.all.max).padStart(8)}`);
  const sends = result.runs.reduce((n, run) => n + run.batches, 0);
  const scheduled = result.agents * Math.floor((result.seconds * 1_000) / result.intervalMs);
  lines.push(`ingest: ${result.pointsSent} points sent in ${sends} batches (${Math.round((100 * sends) / Math.max(1, scheduled))}% of the ${result.intervalMs} ms schedule), ${Math.round(result.pointsPerSecond)} points/s; ${result.replays} batches replayed; readers ${result.readerRequestsPerSecond.toFixed(1)} requests/s`);
  lines.push(`errors: ${result.errors}${result.errorSamples.length ? ` (${result.errorSamples.join(' | ')})` : ''}`);
  lines.push(`check: ${result.storedPoints} points stored; lost ${result.lost}, duplicated ${result.duplicated}, wrong values ${result.wrongValues}, rollup mismatches ${result.rollupMismatches}`);
  lines.push(`RESULT load points_per_s=${Math.round(result.pointsPerSecond)} p99_ms=${ms(result.all.p99)} errors=${result.errors} lost=${result.lost} duplicated=${result.duplicated}`);
  return lines;
}

async function main(): Promise<void> {
  const number = (name: string, fallback: number) => {
    const value = Number(process.env[name] ?? fallback);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
    return value;
  };
  let server: EmbeddedServer | null = null;
  let scratch: string | null = null;
  if (!process.env.DATABASE_URL) {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-load-pg-'));
    fs.chmodSync(scratch, 0o755); // as root, PostgreSQL runs as `postgres` and must enter it
    server = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'data'), ephemeral: true });
    process.env.STRATUM_TEST_SERVER_URL = server.url;
  }
  const db = await createTestDatabase('load');
  try {
    const result = await runLoad({
      seconds: number('LOAD_SECONDS', 60),
      agents: number('LOAD_AGENTS', 16),
      readers: number('LOAD_READERS', 8),
      intervalMs: number('LOAD_INTERVAL_MS', 100),
      stepsPerSend: number('LOAD_STEPS_PER_SEND', 10),
      databaseUrl: db.url,
      progress: (line) => process.stderr.write(line + '\n'),
    });
    for (const line of formatResult(result)) process.stdout.write(line + '\n');
    process.exitCode = result.errors === 0 && result.lost === 0 && result.duplicated === 0 && result.wrongValues === 0 && result.rollupMismatches === 0 ? 0 : 1;
  } finally {
    await db.drop();
    await server?.stop();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
