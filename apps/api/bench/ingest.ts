// Ingestion benchmark: metric points/s through GraphQL logMetrics (HTTP + JSON, 10,000-point
// columnar batches, 4 concurrent senders) against raw COPY FROM STDIN from one pg client, on the
// same database in one run, plus 1-point batches (the latency-bound case) and the object input
// shape for comparison.
//
//   npm run bench:ingest -w @stratum/api        (DATABASE_URL's server if set, else embedded)
//
// The API runs in its own process, as in production (agents are other processes); request
// bodies and COPY text are built before the clock starts, so both sides measure the server.
// Each phase writes fresh rows (new runs), so neither side is helped by conflicts.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { generateToken, hashToken } from '../src/auth/tokens.js';
import { PEPPER, startApiProcess, startDatabase, tearDown } from './support.js';

const BATCH = 10_000;
const SENDERS = 4;
const BATCHES_PER_SENDER = 10; // 400,000 points per GraphQL round
const ROUNDS = 2; // alternate COPY and GraphQL, keep the best of each
const SINGLE_CALLS_PER_SENDER = 250;
const KEYS = ['loss/train', 'loss/recon', 'loss/eval', 'grad/norm', 'lr', 'throughput', 'mem/gpu', 'mem/host', 'time/step', 'mask/ratio'];
const BLOCKS = [null, 1, 2, 3, 4];

interface Point { key: string; block: number | null; step: number; value: number; wallTime: number }

/** The points a run's trainer would log: every key at every block, step after step. */
function pointsFor(count: number, firstStep: number): Point[] {
  const points: Point[] = [];
  const base = Date.UTC(2026, 0, 1);
  for (let i = 0; points.length < count; i++) {
    const step = firstStep + Math.floor(i / (KEYS.length * BLOCKS.length));
    const key = KEYS[i % KEYS.length] as string;
    const block = BLOCKS[Math.floor(i / KEYS.length) % BLOCKS.length] as number | null;
    points.push({ key, block, step, value: Math.exp(-step / 1000) * (1 + 0.1 * Math.sin(i)), wallTime: base + step * 37.5 });
  }
  return points;
}

const LOG_COLUMNS = 'mutation($jobId: ID!, $token: String!, $batchId: String!, $columns: MetricColumnsInput) { logMetrics(jobId: $jobId, fencingToken: $token, batchId: $batchId, columns: $columns) { accepted duplicates } }';
const LOG_POINTS = 'mutation($jobId: ID!, $token: String!, $batchId: String!, $points: [MetricPointInput!]) { logMetrics(jobId: $jobId, fencingToken: $token, batchId: $batchId, points: $points) { accepted duplicates } }';

function columnsBody(job: ClaimedJob, batchId: string, points: Point[]): string {
  return JSON.stringify({
    query: LOG_COLUMNS,
    variables: {
      jobId: job.jobId, token: job.fencingToken, batchId,
      columns: { keys: points.map((p) => p.key), blocks: points.map((p) => p.block), steps: points.map((p) => p.step), values: points.map((p) => p.value), wallTimes: points.map((p) => p.wallTime) },
    },
  });
}

function pointsBody(job: ClaimedJob, batchId: string, points: Point[]): string {
  return JSON.stringify({ query: LOG_POINTS, variables: { jobId: job.jobId, token: job.fencingToken, batchId, points } });
}

interface ClaimedJob { jobId: string; runId: string; fencingToken: string }

class Api {
  constructor(readonly url: string, readonly token: string) {}

  async post(body: string): Promise<{ data?: Record<string, unknown>; errors?: Array<{ message: string }> }> {
    const response = await fetch(`${this.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` }, body });
    const json = (await response.json()) as { data?: Record<string, unknown>; errors?: Array<{ message: string }> };
    if (json.errors?.length) throw new Error(`GraphQL error: ${json.errors[0]!.message}`);
    return json;
  }
}


async function seedJobs(pool: pg.Pool, count: number): Promise<void> {
  const { rows } = await pool.query<{ id: string }>(`INSERT INTO projects (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING id`, ['bench']);
  await pool.query(
    `WITH r AS (
       INSERT INTO runs (project_id, name, mode, model_size, blocks, seed, dataset, config)
       SELECT $1, 'bench-' || gen_random_uuid(), 'E2E', 'tiny', 4, i, 'synthetic', '{}' FROM generate_series(1, $2) AS i RETURNING id)
     INSERT INTO jobs (run_id) SELECT id FROM r`,
    [rows[0]!.id, count],
  );
}

async function claimJobs(api: Api, agentId: string, count: number): Promise<ClaimedJob[]> {
  const jobs: ClaimedJob[] = [];
  for (let i = 0; i < count; i++) {
    const { data } = await api.post(JSON.stringify({ query: 'mutation($a: ID!) { claimJob(agentId: $a) { jobId runId fencingToken } }', variables: { a: agentId } }));
    const job = data?.claimJob as ClaimedJob | null;
    if (!job) throw new Error('no job to claim');
    jobs.push(job);
  }
  return jobs;
}

/** Points/s for `senders` concurrent senders each posting its prepared bodies in order. */
async function timeSenders(api: Api, bodiesPerSender: string[][], pointsPerBody: number): Promise<{ pointsPerSecond: number; latencies: number[] }> {
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  await Promise.all(bodiesPerSender.map(async (bodies) => {
    for (const body of bodies) {
      const t0 = process.hrtime.bigint();
      await api.post(body);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const total = bodiesPerSender.reduce((n, bodies) => n + bodies.length, 0) * pointsPerBody;
  return { pointsPerSecond: total / seconds, latencies };
}

async function graphqlRound(api: Api, pool: pg.Pool, agentId: string, shape: 'columns' | 'points', batches = BATCHES_PER_SENDER): Promise<number> {
  await seedJobs(pool, SENDERS);
  const jobs = await claimJobs(api, agentId, SENDERS);
  const bodies = jobs.map((job) => Array.from({ length: batches }, (_, b) => {
    const points = pointsFor(BATCH, b * 1000);
    return shape === 'columns' ? columnsBody(job, `${job.jobId}-${b}`, points) : pointsBody(job, `${job.jobId}-${b}`, points);
  }));
  return (await timeSenders(api, bodies, BATCH)).pointsPerSecond;
}

async function copyRound(pool: pg.Pool, keyIds: Map<string, number>): Promise<number> {
  const total = SENDERS * BATCHES_PER_SENDER * BATCH;
  const { rows } = await pool.query<{ id: string }>(`INSERT INTO runs (project_id, name, mode, model_size, blocks, seed, dataset, config)
    SELECT id, 'copy-' || gen_random_uuid(), 'E2E', 'tiny', 4, 0, 'synthetic', '{}' FROM projects WHERE name = 'bench' RETURNING id`);
  const runId = rows[0]!.id;
  // The same points the GraphQL senders send, as COPY text, built before the clock starts.
  const chunks: string[] = [];
  for (let b = 0; b < total / BATCH; b++) {
    chunks.push(pointsFor(BATCH, b * 1000).map((p) => `${runId}\t${keyIds.get(p.key)}\t${p.block ?? 0}\t${p.step}\t${p.value}\t${new Date(p.wallTime).toISOString()}\n`).join(''));
  }
  const client = await pool.connect();
  try {
    const started = process.hrtime.bigint();
    const copy = client.query(copyFrom('COPY metric_points (run_id, key_id, block, step, value, wall_time) FROM STDIN'));
    await pipeline(Readable.from(chunks), copy);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return total / seconds;
  } finally {
    client.release();
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
}

async function main(): Promise<void> {
  const { db, server, scratch } = await startDatabase('bench');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-bench-api-'));
  let child: ChildProcess | undefined;
  const pool = new pg.Pool({ connectionString: db.url, max: 4 });
  try {
    const started = await startApiProcess(db.url, dataDir);
    child = started.child;
    const token = generateToken();
    await pool.query(`INSERT INTO api_tokens (label, role, hash, prefix) VALUES ('bench agent', 'AGENT', $1, $2)`, [hashToken(token, PEPPER), token.slice(0, 10)]);
    const api = new Api(started.url, token);
    const registered = await api.post(JSON.stringify({ query: 'mutation { registerAgent(name: "bench-agent", host: "bench", backends: ["cpu"], devices: [{ id: 0 }]) { id } }' }));
    const agentId = (registered.data?.registerAgent as { id: string }).id;

    // Warm-up: prepared statements, metric keys, JIT — one GraphQL round of two batches.
    await graphqlRound(api, pool, agentId, 'columns', 2);
    const keyIds = new Map((await pool.query<{ id: number; name: string }>('SELECT id, name FROM metric_keys')).rows.map((r) => [r.name, r.id]));

    let copyBest = 0;
    let graphqlBest = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const copy = await copyRound(pool, keyIds);
      const graphql = await graphqlRound(api, pool, agentId, 'columns');
      process.stdout.write(`round ${round + 1}: COPY ${Math.round(copy)} points/s, GraphQL logMetrics (columns) ${Math.round(graphql)} points/s\n`);
      copyBest = Math.max(copyBest, copy);
      graphqlBest = Math.max(graphqlBest, graphql);
    }
    const objects = await graphqlRound(api, pool, agentId, 'points', 4);
    process.stdout.write(`GraphQL logMetrics with 10,000 point objects per batch (for comparison): ${Math.round(objects)} points/s\n`);

    // 1-point batches: the latency-bound case.
    await seedJobs(pool, SENDERS);
    const singleJobs = await claimJobs(api, agentId, SENDERS);
    const singleBodies = singleJobs.map((job) => Array.from({ length: SINGLE_CALLS_PER_SENDER }, (_, i) => columnsBody(job, `single-${i}`, [{ key: 'loss/train', block: null, step: i, value: 1 / (i + 1), wallTime: Date.now() }])));
    const single = await timeSenders(api, singleBodies, 1);
    process.stdout.write(`1-point batches, ${SENDERS} senders: ${Math.round(single.pointsPerSecond)} points/s, latency p50 ${percentile(single.latencies, 0.5).toFixed(1)} ms, p95 ${percentile(single.latencies, 0.95).toFixed(1)} ms\n`);

    const stored = await pool.query<{ n: string }>('SELECT count(*) AS n FROM metric_points');
    process.stdout.write(`points stored in all: ${stored.rows[0]!.n}; ${os.cpus().length} CPU cores; PostgreSQL ${server ? 'embedded' : 'from DATABASE_URL'}\n`);
    const ratio = graphqlBest / copyBest;
    process.stdout.write(`RESULT ingest ratio=${ratio.toFixed(3)} graphql_points_per_s=${Math.round(graphqlBest)} copy_points_per_s=${Math.round(copyBest)} single_point_per_s=${Math.round(single.pointsPerSecond)}\n`);
  } finally {
    await tearDown({ child, pool, db, server, scratch, dataDir });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:ingest failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
