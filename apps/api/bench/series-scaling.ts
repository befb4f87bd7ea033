// How a downsampled read's cost grows with the points a series stores.
//
//   npm run bench:series-scaling -w @stratum/api [-- 1e4,1e5,1e6,1e7]   (DATABASE_URL's server if set, else embedded)
//
// One run per size N (1e4 … 1e7 points by default, one key, steps 0 … N − 1), loaded with COPY
// and its rollups built, then metricSeriesColumns over HTTP against the API in its own process: the whole
// series and random windows (partial edge buckets on both sides), maxPoints = 1000.
// Last line: RESULT series_scaling p50_ms_<N>=… for each N, and growth=<p50 at the largest N / at the smallest>.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { rebuildMetricRollups } from '@stratum/db';
import { generateToken, hashToken } from '../src/auth/tokens.js';
import { PEPPER, startApiProcess, startDatabase, tearDown } from './support.js';

const print = (line: string) => process.stdout.write(line + '\n');
const SIZES = (process.argv[2] ?? '1e4,1e5,1e6,1e7').split(',').map(Number);
const MAX_POINTS = 1000;
const ITERATIONS = 40;
const WARMUP = 5;
const CHUNK = 50_000;

const SERIES_QUERY = `query($runIds: [ID!]!, $fromStep: Int, $toStep: Int) {
  metricSeries: metricSeriesColumns(runIds: $runIds, keys: ["loss"], fromStep: $fromStep, toStep: $toStep, maxPoints: ${MAX_POINTS}) { downsampled pointCount steps values mins maxs } }`;

/** COPY text for steps [from, to) of a loss-like curve, built a chunk at a time. */
function* copyChunks(runId: string, keyId: number, n: number): Generator<string> {
  for (let from = 0; from < n; from += CHUNK) {
    let text = '';
    for (let s = from; s < Math.min(n, from + CHUNK); s++) text += `${runId}\t${keyId}\t0\t${s}\t${0.3 + 2 * Math.exp(-s / (n / 5)) + 0.02 * Math.sin(s * 0.37)}\n`;
    yield text;
  }
}

async function load(pool: pg.Pool, project: string, keyId: number, n: number): Promise<string> {
  const runId = (await pool.query<{ id: string }>(
    `INSERT INTO runs (project_id, name, mode, model_size, blocks, seed, dataset, config, status)
     VALUES ($1, $2, 'E2E', 'tiny', 4, 0, 'synthetic', '{}', 'SUCCEEDED') RETURNING id`, [project, `scale-${n}`])).rows[0]!.id;
  const started = Date.now();
  const client = await pool.connect();
  try {
    await pipeline(Readable.from(copyChunks(runId, keyId, n)), client.query(copyFrom('COPY metric_points (run_id, key_id, block, step, value) FROM STDIN')));
  } finally {
    client.release();
  }
  const copied = Date.now();
  await rebuildMetricRollups(pool, [runId]);
  print(`loaded ${n.toExponential(0)} points: COPY ${((copied - started) / 1000).toFixed(1)} s, rollups ${((Date.now() - copied) / 1000).toFixed(1)} s`);
  return runId;
}

async function post(url: string, token: string, variables: Record<string, unknown>): Promise<{ pointCount: number; steps: number[] }> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query: SERIES_QUERY, variables }) });
  const json = (await response.json()) as { data?: { metricSeries: Array<{ pointCount: number; steps: number[] }> }; errors?: Array<{ message: string }> };
  if (json.errors?.length || !json.data) throw new Error(`GraphQL error: ${json.errors?.[0]?.message ?? 'no data'}`);
  return json.data.metricSeries[0]!;
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (pos - lo);
}

/** A fixed sequence of windows: the whole series first, then random ones of 10–100 % of it. */
function windows(n: number, count: number): Array<{ fromStep?: number; toStep?: number }> {
  let state = 20;
  const random = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: count }, (_, i) => {
    if (i === 0) return {};
    const length = Math.floor(n * (0.1 + 0.9 * random()));
    const fromStep = Math.floor((n - length) * random());
    return { fromStep, toStep: fromStep + length };
  });
}

async function main(): Promise<void> {
  const { db, server, scratch } = await startDatabase('bench_series_scaling');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-bench-scaling-data-'));
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  let child: ChildProcess | undefined;
  try {
    const project = (await pool.query<{ id: string }>(`INSERT INTO projects (name) VALUES ('bench') RETURNING id`)).rows[0]!.id;
    const keyId = (await pool.query<{ id: number }>(`INSERT INTO metric_keys (name) VALUES ('loss') RETURNING id`)).rows[0]!.id;
    const runs = new Map<number, string>();
    for (const n of SIZES) runs.set(n, await load(pool, project, keyId, n));
    await pool.query('VACUUM ANALYZE metric_points, metric_rollups');
    const token = generateToken();
    await pool.query(`INSERT INTO api_tokens (label, role, hash, prefix) VALUES ('bench reader', 'READER', $1, $2)`, [hashToken(token, PEPPER), token.slice(0, 10)]);
    const api = await startApiProcess(db.url, dataDir);
    child = api.child;

    const p50s: string[] = [];
    const medians: number[] = [];
    for (const n of SIZES) {
      const runId = runs.get(n)!;
      const whole = await post(api.url, token, { runIds: [runId] });
      if (whole.pointCount !== n || whole.steps.length > MAX_POINTS || whole.steps[0] !== 0 || whole.steps.at(-1) !== n - 1) throw new Error(`series of ${n} points read back wrong`);
      const list = windows(n, WARMUP + ITERATIONS);
      const samples: number[] = [];
      for (const [i, w] of list.entries()) {
        const t0 = process.hrtime.bigint();
        await post(api.url, token, { runIds: [runId], ...w });
        if (i >= WARMUP) samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      samples.sort((a, b) => a - b);
      const p50 = quantile(samples, 0.5);
      medians.push(p50);
      p50s.push(`p50_ms_${n.toExponential(0).replace('+', '')}=${p50.toFixed(2)}`);
      print(`${n.toExponential(0).padStart(5)} points: metricSeries maxPoints=${MAX_POINTS} (whole series and random windows) p50 ${p50.toFixed(2)} ms   p95 ${quantile(samples, 0.95).toFixed(2)} ms   (n=${samples.length})`);
    }
    print(`${os.cpus().length} CPU cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; PostgreSQL ${server ? 'embedded' : 'from DATABASE_URL'}`);
    print(`RESULT series_scaling ${p50s.join(' ')} growth=${(medians.at(-1)! / medians[0]!).toFixed(2)}`);
  } finally {
    await tearDown({ child, pool, db, server, scratch, dataDir });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
