// Read-side benchmark: metricSeries downsampled vs the same data fetched raw, and sweepGrid.
//
//   npm run bench -w @stratum/api        (DATABASE_URL's server if set, else an embedded one)
//
// Seeds 50 runs × 4 keys × 20,000 steps (4M points, written per run in 1,000-step batches,
// step by step with every key interleaved, the order an agent's batches arrive in; then their
// series rollups), a 2×2×3×3 sweep among them, then times over HTTP against the API
// running in its own process (as in production), each request parsed by the client:
//   - downsampled: metricSeriesColumns for 20 runs × 3 keys at maxPoints = 1000: 60 series of
//     ≤ 1,000 buckets, each bucket its last step and value, min and max (4 columns) (p50, p95);
//   - raw: the same 60 series through the same query and selection with maxPoints = 20,000:
//     every stored point, step and value (mins and maxs are null when raw) (p50);
//   - for reference, the downsampled read through metricSeries (the same columns as [Int]/[Float]
//     lists, completed element by element) (p50), and the raw points straight from PostgreSQL;
//   - sweepGrid of final training loss on the 2×2×3×3 sweep (p50).
// series_ratio = downsampled p50 / raw p50, both through metricSeriesColumns.
// payload_ratio = numbers in the downsampled response / numbers in the raw one (each bucket sends
// step, value, min and max; each raw point step and value): the floor of series_ratio when every
// number costs the same to read, send and parse, as the per-number costs printed beside it show.
// bytes_ratio = JSON bytes of the downsampled response / those of the raw one: the same floor
// counted in bytes (each read costs about the same per megabyte sent and parsed, printed beside it).
// Last line: RESULT api series_ratio=<downsampled p50 / raw p50> series_p95_ms=<…> grid_p50_ms=<…> payload_ratio=<…> bytes_ratio=<…>
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { rebuildMetricRollups } from '@stratum/db';
import { generateToken, hashToken } from '../src/auth/tokens.js';
import { PEPPER, startApiProcess, startDatabase, tearDown } from './support.js';

const print = (line: string) => process.stdout.write(line + '\n');

const RUNS = 50;
const STEPS = 20_000;
const KEYS = ['loss', 'lr', 'grad_norm', 'gpu_util'];
const SERIES_RUNS = 20;
const SERIES_KEYS = ['loss', 'lr', 'grad_norm'];
const MAX_POINTS = 1000;
const ITERATIONS = { series: 40, raw: 7, list: 15, grid: 40, warmup: 3 };

const SELECTION = 'runId key block downsampled pointCount steps values mins maxs';
const SERIES_QUERY = `query($runIds: [ID!]!, $keys: [String!]!, $maxPoints: Int!) {
  metricSeries: metricSeriesColumns(runIds: $runIds, keys: $keys, maxPoints: $maxPoints) { ${SELECTION} } }`;
const LIST_QUERY = `query($runIds: [ID!]!, $keys: [String!]!, $maxPoints: Int!) {
  metricSeries(runIds: $runIds, keys: $keys, maxPoints: $maxPoints) { ${SELECTION} } }`;
const GRID_QUERY = `query($sweepId: ID!) {
  sweepGrid(sweepId: $sweepId, metric: { source: TRAINING, key: "loss" }, block: 0) {
    cells { modelSize blocks mode n mean std ciLow ciHigh missing failed running values { seed value } } } }`;

interface Series { downsampled: boolean; pointCount: number; steps: number[]; mins: number[] | null; maxs: number[] | null }


/** 50 runs: a 2×2×3×3 sweep (36 runs) and 14 standalone runs, each with 4 keys × 20,000 steps. */
async function seed(pool: pg.Pool): Promise<{ runIds: string[]; sweepId: string }> {
  const project = (await pool.query<{ id: string }>(`INSERT INTO projects (name) VALUES ('bench') RETURNING id`)).rows[0]!.id;
  const factors = { modelSizes: ['tiny', 'small'], blocks: [4, 6], modes: ['E2E', 'BLOCKWISE_SIMULTANEOUS', 'BLOCKWISE_SEQUENTIAL'], seeds: [0, 1, 2] };
  const sweepId = (await pool.query<{ id: string }>(
    `INSERT INTO sweeps (project_id, name, spec, spec_hash, expansion) VALUES ($1, 'grid', $2, 'bench', '[]') RETURNING id`,
    [project, JSON.stringify({ factors })])).rows[0]!.id;
  const cells = factors.modelSizes.flatMap((size) => factors.blocks.flatMap((k) => factors.modes.flatMap((mode) => factors.seeds.map((seed) => ({ size, k, mode, seed, sweep: sweepId as string | null })))));
  for (let i = cells.length; i < RUNS; i++) cells.push({ size: 'tiny', k: 4, mode: 'E2E', seed: 100 + i, sweep: null });
  const runIds: string[] = [];
  for (const [i, c] of cells.entries()) {
    const id = (await pool.query<{ id: string }>(
      `INSERT INTO runs (project_id, sweep_id, name, mode, model_size, blocks, seed, dataset, config, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, 'ucf101', $8, 'SUCCEEDED') RETURNING id`,
      [project, c.sweep, `bench-${i}`, c.mode, c.size, c.k, c.seed, JSON.stringify({ preset: c.size, blocks: c.k, seed: c.seed })])).rows[0]!.id;
    runIds.push(id);
  }
  await pool.query(`INSERT INTO metric_keys (name) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING`, [KEYS]);
  const started = Date.now();
  for (const [i, id] of runIds.entries()) {
    // Batches of 1,000 steps, every key at each step: the order an agent's batches arrive in
    // (so one series' rows are interleaved with the other keys' on disk, as in production).
    await pool.query(
      `INSERT INTO metric_points (run_id, key_id, block, step, value)
       SELECT $1, k.id, 0, c * 1000 + s,
              CASE k.name WHEN 'loss' THEN 0.3 + 2 * exp(-(c * 1000 + s) / 4000.0) + 0.02 * sin((c * 1000 + s) * 0.37 + $2)
                          WHEN 'lr' THEN 0.0005 * (1 + cos(pi() * (c * 1000 + s) / $3)) + 1e-5
                          WHEN 'grad_norm' THEN 1 + 0.5 * sin((c * 1000 + s) * 0.011 + $2) + 0.1 * cos((c * 1000 + s) * 1.3)
                          ELSE 60 + 30 * sin((c * 1000 + s) * 0.002 + $2) END
       FROM generate_series(0, $3 / 1000 - 1) AS c, metric_keys k, generate_series(0, 999) AS s
       WHERE k.name = ANY($4::text[])
       ORDER BY c, s, k.id`, [id, i, STEPS, KEYS]);
  }
  // Written around logMetrics (which keeps the series rollups as it inserts), so rebuilt here.
  await rebuildMetricRollups(pool, runIds);
  await pool.query('VACUUM ANALYZE metric_points, metric_rollups');
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM metric_points');
  print(`seeded ${rows[0]!.n.toLocaleString('en')} points (${RUNS} runs × ${KEYS.length} keys × ${STEPS.toLocaleString('en')} steps) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { runIds, sweepId };
}

async function post<T>(url: string, token: string, query: string, variables: Record<string, unknown>): Promise<{ data: T; bytes: number }> {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const text = await response.text();
  const json = JSON.parse(text) as { data?: T; errors?: Array<{ message: string }> };
  if (json.errors?.length || !json.data) throw new Error(`GraphQL error: ${json.errors?.[0]?.message ?? 'no data'}`);
  return { data: json.data, bytes: text.length };
}

async function time(iterations: number, fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < ITERATIONS.warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return samples.sort((a, b) => a - b);
}

function quantile(sorted: number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  return sorted[lo]! + (sorted[Math.min(lo + 1, sorted.length - 1)]! - sorted[lo]!) * (pos - lo);
}

async function main(): Promise<void> {
  const { db, server, scratch } = await startDatabase('bench_api');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stratum-bench-api-data-'));
  const pool = new pg.Pool({ connectionString: db.url, max: 2 });
  let child: ChildProcess | undefined;
  try {
    const { runIds, sweepId } = await seed(pool);
    const token = generateToken();
    await pool.query(`INSERT INTO api_tokens (label, role, hash, prefix) VALUES ('bench reader', 'READER', $1, $2)`, [hashToken(token, PEPPER), token.slice(0, 10)]);
    const api = await startApiProcess(db.url, dataDir);
    child = api.child;

    const vars = { runIds: runIds.slice(0, SERIES_RUNS), keys: SERIES_KEYS };
    // Check what is being timed before timing it.
    const down = await post<{ metricSeries: Series[] }>(api.url, token, SERIES_QUERY, { ...vars, maxPoints: MAX_POINTS });
    const raw = await post<{ metricSeries: Series[] }>(api.url, token, SERIES_QUERY, { ...vars, maxPoints: STEPS });
    const expectSeries = SERIES_RUNS * SERIES_KEYS.length;
    if (down.data.metricSeries.length !== expectSeries || !down.data.metricSeries.every((s) => s.downsampled && s.pointCount === STEPS && s.steps.length <= MAX_POINTS)) {
      throw new Error('downsampled response is not 60 downsampled series of 20,000 points');
    }
    if (raw.data.metricSeries.length !== expectSeries || !raw.data.metricSeries.every((s) => !s.downsampled && s.steps.length === STEPS)) {
      throw new Error('raw response is not 60 raw series of 20,000 points');
    }
    const list = await post<{ metricSeries: Series[] }>(api.url, token, LIST_QUERY, { ...vars, maxPoints: MAX_POINTS });
    if (JSON.stringify(list.data) !== JSON.stringify(down.data)) throw new Error('metricSeries and metricSeriesColumns disagree');
    const grid = await post<{ sweepGrid: { cells: Array<{ n: number }> } }>(api.url, token, GRID_QUERY, { sweepId });
    if (grid.data.sweepGrid.cells.length !== 12 || !grid.data.sweepGrid.cells.every((c) => c.n === 3)) throw new Error('grid is not 12 cells of 3 seeds');
    const points = (r: { metricSeries: Series[] }) => r.metricSeries.reduce((n, s) => n + s.steps.length, 0);
    // Numbers on the wire: steps and values, plus mins and maxs when downsampled (4 per bucket vs 2 per point).
    const numbers = (r: { metricSeries: Series[] }) => r.metricSeries.reduce((n, s) => n + 2 * s.steps.length + (s.mins?.length ?? 0) + (s.maxs?.length ?? 0), 0);
    print(`metricSeries ${SERIES_RUNS} runs × ${SERIES_KEYS.length} keys: downsampled ${points(down.data).toLocaleString('en')} points (${(down.bytes / 1e6).toFixed(2)} MB JSON), raw ${points(raw.data).toLocaleString('en')} points (${(raw.bytes / 1e6).toFixed(1)} MB JSON)`);

    const seriesMs = await time(ITERATIONS.series, () => post(api.url, token, SERIES_QUERY, { ...vars, maxPoints: MAX_POINTS }));
    const rawMs = await time(ITERATIONS.raw, () => post(api.url, token, SERIES_QUERY, { ...vars, maxPoints: STEPS }));
    const listMs = await time(ITERATIONS.list, () => post(api.url, token, LIST_QUERY, { ...vars, maxPoints: MAX_POINTS }));
    const gridMs = await time(ITERATIONS.grid, () => post(api.url, token, GRID_QUERY, { sweepId }));
    // For context: the same 1.2M points straight from PostgreSQL as rows (no API, no JSON).
    const keyIds = (await pool.query<{ id: number }>('SELECT id FROM metric_keys WHERE name = ANY($1::text[])', [SERIES_KEYS])).rows.map((r) => r.id);
    const sqlMs = await time(ITERATIONS.raw, () => pool.query({
      text: 'SELECT run_id, key_id, step, value FROM metric_points WHERE run_id = ANY($1::uuid[]) AND key_id = ANY($2::int[]) AND block = 0 ORDER BY run_id, key_id, step',
      values: [vars.runIds, keyIds], rowMode: 'array',
    }));

    const row = (name: string, s: number[]) => print(`${name.padEnd(34)} p50 ${quantile(s, 0.5).toFixed(1).padStart(8)} ms   p95 ${quantile(s, 0.95).toFixed(1).padStart(8)} ms   (n=${s.length})`);
    row(`metricSeriesColumns maxPoints=${MAX_POINTS}`, seriesMs);
    row('metricSeriesColumns raw (same 60)', rawMs);
    row(`(reference) metricSeries lists, ${MAX_POINTS}`, listMs);
    row('sweepGrid 2×2×3×3 (final loss)', gridMs);
    row('(context) same points via pg, rows', sqlMs);
    print(`${os.cpus().length} CPU cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (1/5/15 min); PostgreSQL ${server ? 'embedded' : 'from DATABASE_URL'}`);
    const ratio = quantile(seriesMs, 0.5) / quantile(rawMs, 0.5);
    // Both reads cost about the same per number sent; the downsampled response's share of the raw
    // one's numbers is then the floor of series_ratio, whatever the database does.
    const payloadRatio = numbers(down.data) / numbers(raw.data);
    const perNumber = (ms: number[], r: { metricSeries: Series[] }) => ((quantile(ms, 0.5) * 1000) / numbers(r)).toFixed(3);
    print(`payload: downsampled ${numbers(down.data).toLocaleString('en')} numbers (${perNumber(seriesMs, down.data)} µs each), raw ${numbers(raw.data).toLocaleString('en')} (${perNumber(rawMs, raw.data)} µs each): payload_ratio ${payloadRatio.toFixed(4)}`);
    // The same floor in bytes: a bucket's three floats print longer than a raw point's one.
    const bytesRatio = down.bytes / raw.bytes;
    const perMb = (ms: number[], bytes: number) => ((quantile(ms, 0.5) * 1e6) / bytes).toFixed(1);
    print(`bytes: downsampled ${(down.bytes / 1e6).toFixed(2)} MB (${perMb(seriesMs, down.bytes)} ms/MB), raw ${(raw.bytes / 1e6).toFixed(1)} MB (${perMb(rawMs, raw.bytes)} ms/MB): bytes_ratio ${bytesRatio.toFixed(4)}`);
    print(`targets: ratio ≤ 0.05 ${ratio <= 0.05 ? 'met' : 'MISSED'}, series p95 ≤ 100 ms ${quantile(seriesMs, 0.95) <= 100 ? 'met' : 'MISSED'}`);
    print(`RESULT api series_ratio=${ratio.toFixed(3)} series_p95_ms=${quantile(seriesMs, 0.95).toFixed(1)} grid_p50_ms=${quantile(gridMs, 0.5).toFixed(1)} payload_ratio=${payloadRatio.toFixed(4)} bytes_ratio=${bytesRatio.toFixed(4)}`);
  } finally {
    await tearDown({ child, pool, db, server, scratch, dataDir });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
