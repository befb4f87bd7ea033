// metricSeries: server-side downsampling of metric points on the read pool.
//
// Per request:
//   1. (only when no blocks are asked for) the blocks each (run, key) has, by a loose index scan;
//   2. one statement over the series — a LATERAL over (run, key, block) triples passed as arrays —
//      that probes both ends of each series' range in the primary key, then either reads a
//      series raw (its step span fits in maxPoints) or buckets it: the steps after the first point
//      are cut into maxPoints − 1 equal-width buckets by integer division on the step, each
//      giving count, min, max and the (step, value) of its last point. Arrays come back as
//      array_send bytea (no per-number text formatting or parsing). Big requests are cut into a
//      couple of slices run concurrently on separate connections, so the scan uses more than one
//      core (a UNION ALL per series would let PostgreSQL do that itself, but planning 60 branches
//      costs more than it saves);
//   3. (rare) sparse series whose points fit in maxPoints although their step span does not are
//      read again raw.
import type pg from 'pg';
import type { AppServices } from '../context.js';
import { BadInputError, NotFoundError } from '../errors/codes.js';
import { parseIds } from '../run/ids.js';
import { MAX_SERIES, MAX_TOTAL_POINTS, type MetricSeriesArgs } from './series.input.js';
import type { MetricKeyInfo, MetricSeries } from './series.type.js';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;
/** Concurrent slices for a big request, and the least series worth a slice of their own. */
const SLICES = 2;
const MIN_SERIES_PER_SLICE = 8;

interface SeriesRef {
  runId: string;
  keyId: number;
  key: string;
  block: number;
}

export interface SeriesRequest {
  runIds: string[];
  keys: string[];
  /** DB blocks (0 = whole model); undefined = every block present. */
  blocks: number[] | undefined;
  fromStep: number;
  toStep: number;
  maxPoints: number;
}

export function seriesRequest(args: MetricSeriesArgs): SeriesRequest {
  const runIds = [...new Set(parseIds(args.runIds, 'runIds'))];
  const keys = [...new Set(args.keys)];
  const blocks = args.blocks === undefined || args.blocks === null ? undefined : [...new Set(args.blocks.map((b) => b ?? 0))];
  if (blocks?.some((b) => b < 0 || b > 32767)) throw new BadInputError('blocks must be between 0 and 32767 (null = whole model)', 'blocks');
  const fromStep = args.fromStep ?? INT_MIN;
  const toStep = args.toStep ?? INT_MAX;
  if (fromStep > toStep) throw new BadInputError(`fromStep (${fromStep}) is after toStep (${toStep})`, 'fromStep');
  if (blocks !== undefined) {
    const series = runIds.length * keys.length * blocks.length;
    if (series > MAX_SERIES) throw new BadInputError(`asks for ${series} series; the limit is ${MAX_SERIES}`, 'runIds');
  }
  return { runIds, keys, blocks, fromStep, toStep, maxPoints: args.maxPoints };
}

/** Runs `fn` on a read-pool connection with JIT off: bucketing plans are costed high enough to
 * trigger JIT compilation, which takes longer than the query itself. */
async function withReader<T>(app: AppServices, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await app.readPool.connect();
  try {
    await client.query('BEGIN READ ONLY; SET LOCAL jit = off');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

export async function metricSeries(app: AppServices, request: SeriesRequest): Promise<MetricSeries[]> {
  const { runs, keys } = (await app.readPool.query<{ runs: string[] | null; keys: Array<[number, string]> | null }>(
    `SELECT (SELECT array_agg(id::text) FROM runs WHERE id = ANY($1::uuid[])) AS runs,
            (SELECT json_agg(json_build_array(id, name)) FROM metric_keys WHERE name = ANY($2::text[])) AS keys`,
    [request.runIds, request.keys])).rows[0]!;
  const known = new Set(runs ?? []);
  const missing = request.runIds.find((id) => !known.has(id));
  if (missing) throw new NotFoundError('run', missing);
  const keyIds = new Map((keys ?? []).map(([id, name]) => [name, id]));

  const refs = await seriesRefs(app, request, keyIds);
  if (refs.length > MAX_SERIES) throw new BadInputError(`matches ${refs.length} series; the limit is ${MAX_SERIES} (ask for fewer runs, keys or blocks)`, 'runIds');
  if (refs.length * Math.min(request.maxPoints, request.toStep - request.fromStep + 1) > MAX_TOTAL_POINTS) {
    throw new BadInputError(`${refs.length} series × maxPoints ${request.maxPoints} exceeds ${MAX_TOTAL_POINTS} points; lower maxPoints`, 'maxPoints');
  }
  const out: MetricSeries[] = refs.map((ref) => ({
    runId: ref.runId, key: ref.key, block: ref.block === 0 ? null : ref.block, downsampled: false, pointCount: 0,
    steps: [], values: [], mins: null, maxs: null, counts: null,
  }));
  // Keys nothing has logged yet have no id and no points.
  const readable = refs.map((ref, i) => ({ ref, i })).filter(({ ref }) => ref.keyId >= 0);
  const slices = Math.max(1, Math.min(SLICES, Math.floor(readable.length / MIN_SERIES_PER_SLICE)));
  const size = Math.ceil(readable.length / slices);
  const chunks = Array.from({ length: slices }, (_, k) => readable.slice(k * size, (k + 1) * size)).filter((c) => c.length > 0);
  const versionNum = await serverVersion(app.readPool);
  const sparse = (await Promise.all(chunks.map((chunk) => withReader(app, (client) => readSlice(client, request, chunk, out, versionNum))))).flat();
  if (sparse.length > 0) {
    await withReader(app, async (client) => {
      const rows = await seriesQuery(client, request, sparse.map((i) => ({ ref: refs[i]!, i })), INT_MAX, versionNum);
      for (const row of rows) Object.assign(out[row.i]!, rawSeries(row));
    });
  }
  return out;
}

interface SeriesRow { i: number; lo: number | null; first: number | null; n: Buffer | null; mn: Buffer | null; mx: Buffer | null; st: Buffer | null; v: Buffer | null }

/**
 * Bounds and points of each series in one statement. A series whose step span fits in
 * `rawSpan` steps is read raw (n, mn, mx null); the others are bucketed after their first point.
 */
async function seriesQuery(client: pg.PoolClient, request: SeriesRequest, series: Array<{ ref: SeriesRef; i: number }>, rawSpan: number, versionNum: number): Promise<SeriesRow[]> {
  const M = request.maxPoints;
  const { rows } = await client.query<SeriesRow>(
    `SELECT s.i::int AS i, f.lo, f.first, b.n, b.mn, b.mx, COALESCE(r.st, b.st) AS st, COALESCE(r.v, b.v) AS v
     FROM unnest($1::uuid[], $2::int[], $3::int[], $4::int[]) AS s(run_id, key_id, block, i)
     CROSS JOIN LATERAL (SELECT p.step AS lo, p.value AS first FROM metric_points p
       WHERE p.run_id = s.run_id AND p.key_id = s.key_id AND p.block = s.block AND p.step >= $5 AND p.step <= $6
       ORDER BY p.step LIMIT 1) f
     CROSS JOIN LATERAL (SELECT p.step AS hi FROM metric_points p
       WHERE p.run_id = s.run_id AND p.key_id = s.key_id AND p.block = s.block AND p.step >= $5 AND p.step <= $6
       ORDER BY p.step DESC LIMIT 1) l
     -- Distinct integer steps: a span of at most rawSpan steps holds at most rawSpan points.
     LEFT JOIN LATERAL (SELECT array_send(array_agg(x.step)) AS st, array_send(array_agg(x.value)) AS v
       FROM (SELECT p.step, p.value FROM metric_points p
             WHERE l.hi - f.lo < $8 AND p.run_id = s.run_id AND p.key_id = s.key_id AND p.block = s.block AND p.step >= f.lo AND p.step <= l.hi
             ORDER BY p.step) x) r ON l.hi - f.lo < $8
     LEFT JOIN LATERAL (SELECT array_send(array_agg(g.n)) AS n, array_send(array_agg(g.mn)) AS mn, array_send(array_agg(g.mx)) AS mx,
                               array_send(array_agg(g.ls)) AS st, array_send(array_agg(g.lv)) AS v
       FROM (SELECT ((p.step - f.lo - 1)::int8 * ($7::int - 1) / (l.hi - f.lo))::int AS bucket, count(*)::int AS n,
                    min(p.value) AS mn, max(p.value) AS mx, ${lastOfBucket(versionNum)}
             FROM metric_points p
             WHERE l.hi - f.lo >= $8 AND p.run_id = s.run_id AND p.key_id = s.key_id AND p.block = s.block AND p.step > f.lo AND p.step <= l.hi
             GROUP BY 1 ORDER BY 1) g) b ON l.hi - f.lo >= $8`,
    [series.map((x) => x.ref.runId), series.map((x) => x.ref.keyId), series.map((x) => x.ref.block), series.map((x) => x.i),
      request.fromStep, request.toStep, M, rawSpan]);
  return rows;
}

/**
 * The (step, value) of a bucket's last point. PostgreSQL 16+ feeds an ordered aggregate from the
 * GROUP BY's own sort (the index already yields steps in order, so that sort is a presorted
 * check) and appending to an array is cheap; older servers sort every group for it, so there the
 * lexicographic max of [step, value] pairs is faster.
 */
function lastOfBucket(versionNum: number): string {
  return versionNum >= 160000
    ? 'max(p.step) AS ls, (array_agg(p.value ORDER BY p.step))[count(*)] AS lv'
    : '(max(ARRAY[p.step::float8, p.value]))[1]::int AS ls, (max(ARRAY[p.step::float8, p.value]))[2] AS lv';
}

const versions = new WeakMap<pg.Pool, number>();

/** server_version_num of the pool's server (asked once per pool). */
async function serverVersion(pool: pg.Pool): Promise<number> {
  let version = versions.get(pool);
  if (version === undefined) {
    version = Number((await pool.query<{ v: string }>("SELECT current_setting('server_version_num') AS v")).rows[0]!.v);
    versions.set(pool, version);
  }
  return version;
}

function rawSeries(row: SeriesRow): Partial<MetricSeries> {
  const sorted = inStepOrder({ steps: int4Array(row.st), values: float8Array(row.v) });
  return { ...sorted, downsampled: false, pointCount: sorted.steps.length, mins: null, maxs: null, counts: null };
}

/** Reads one slice into `out`; returns the sparse series to read again raw. */
async function readSlice(client: pg.PoolClient, request: SeriesRequest, series: Array<{ ref: SeriesRef; i: number }>, out: MetricSeries[], versionNum: number): Promise<number[]> {
  const M = request.maxPoints;
  const sparse: number[] = [];
  for (const row of await seriesQuery(client, request, series, M, versionNum)) {
    const target = out[row.i]!;
    if (row.n === null) {
      Object.assign(target, rawSeries(row));
      continue;
    }
    const counts = int4Array(row.n);
    const total = 1 + counts.reduce((a, b) => a + b, 0);
    if (total <= M) {
      sparse.push(row.i);
      continue;
    }
    const sorted = inStepOrder({ steps: int4Array(row.st), values: float8Array(row.v), mins: float8Array(row.mn), maxs: float8Array(row.mx), counts });
    // The range's first point stands alone, so the first step is always kept.
    const first = row.first!;
    Object.assign(target, {
      downsampled: true,
      pointCount: total,
      steps: [row.lo!, ...sorted.steps],
      values: [first, ...sorted.values],
      mins: [first, ...sorted.mins!],
      maxs: [first, ...sorted.maxs!],
      counts: [1, ...sorted.counts!],
    });
  }
  return sparse;
}

/** Series in request order (runs, then keys, then blocks ascending). */
async function seriesRefs(app: AppServices, request: SeriesRequest, keyIds: Map<string, number>): Promise<SeriesRef[]> {
  if (request.blocks !== undefined) {
    const blocks = [...request.blocks].sort((a, b) => a - b);
    return request.runIds.flatMap((runId) => request.keys.flatMap((key) => blocks.map((block) => ({ runId, key, keyId: keyIds.get(key) ?? -1, block }))));
  }
  const pairs = request.runIds.flatMap((runId) => request.keys.filter((key) => keyIds.has(key)).map((key) => ({ runId, key, keyId: keyIds.get(key)! })));
  if (pairs.length === 0) return [];
  // Loose index scan over (run_id, key_id, block): one probe per distinct block.
  const { rows } = await app.readPool.query<{ i: number; block: number }>(
    `WITH RECURSIVE b AS (
       SELECT rk.i, rk.run_id, rk.key_id,
              (SELECT min(p.block) FROM metric_points p WHERE p.run_id = rk.run_id AND p.key_id = rk.key_id) AS block
       FROM unnest($1::uuid[], $2::int[]) WITH ORDINALITY AS rk(run_id, key_id, i)
       UNION ALL
       SELECT b.i, b.run_id, b.key_id,
              (SELECT min(p.block) FROM metric_points p WHERE p.run_id = b.run_id AND p.key_id = b.key_id AND p.block > b.block)
       FROM b WHERE b.block IS NOT NULL)
     SELECT i::int - 1 AS i, block::int FROM b WHERE block IS NOT NULL ORDER BY i, block`,
    [pairs.map((p) => p.runId), pairs.map((p) => p.keyId)]);
  return rows.map((r) => ({ ...pairs[r.i]!, block: r.block }));
}

// ---- array_send decoding -------------------------------------------------------------------

/** Elements of a one-dimensional array in PostgreSQL's binary format (no NULL elements). */
function decodeArray(buffer: Buffer | null, width: 4 | 8): number[] {
  if (!buffer || buffer.length < 12) return [];
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  const ndim = view.getInt32(0);
  if (ndim === 0) return [];
  if (ndim !== 1 || view.getInt32(4) !== 0) throw new Error('unexpected array shape from the database');
  const n = view.getInt32(12);
  const out = new Array<number>(n);
  let offset = 20;
  for (let k = 0; k < n; k++) {
    offset += 4; // element length
    out[k] = width === 4 ? view.getInt32(offset) : view.getFloat64(offset);
    offset += width;
  }
  return out;
}

const int4Array = (b: Buffer | null) => decodeArray(b, 4);
const float8Array = (b: Buffer | null) => decodeArray(b, 8);

interface Columns { steps: number[]; values: number[]; mins?: number[]; maxs?: number[]; counts?: number[] }

/** The arrays come in step order from the ordered subqueries; re-sort defensively if not. */
function inStepOrder<T extends Columns>(columns: T): T {
  const { steps } = columns;
  let ordered = true;
  for (let k = 1; k < steps.length && ordered; k++) ordered = steps[k - 1]! < steps[k]!;
  if (ordered) return columns;
  const order = steps.map((_, k) => k).sort((a, b) => steps[a]! - steps[b]!);
  const pick = (a: number[] | undefined) => a && order.map((k) => a[k]!);
  return { ...columns, steps: pick(steps)!, values: pick(columns.values)!, mins: pick(columns.mins), maxs: pick(columns.maxs), counts: pick(columns.counts) };
}

// ---- key listing ---------------------------------------------------------------------------

/** Every (key, block) each run has logged, with first/last step and the last value. */
export async function metricKeys(app: AppServices, runIds: string[]): Promise<MetricKeyInfo[]> {
  const ids = [...new Set(parseIds(runIds, 'runIds'))];
  const { rows } = await app.readPool.query<MetricKeyInfo>(
    `WITH RECURSIVE kb AS (
       SELECT r.run_id, f.key_id, f.block FROM unnest($1::uuid[]) r(run_id)
       CROSS JOIN LATERAL (SELECT p.key_id, p.block FROM metric_points p WHERE p.run_id = r.run_id ORDER BY p.key_id, p.block LIMIT 1) f
       UNION ALL
       SELECT kb.run_id, n.key_id, n.block FROM kb
       CROSS JOIN LATERAL (SELECT p.key_id, p.block FROM metric_points p
                           WHERE p.run_id = kb.run_id AND (p.key_id, p.block) > (kb.key_id, kb.block)
                           ORDER BY p.key_id, p.block LIMIT 1) n)
     SELECT kb.run_id AS "runId", k.name AS key, NULLIF(kb.block, 0)::int AS block,
            (SELECT min(p.step) FROM metric_points p WHERE p.run_id = kb.run_id AND p.key_id = kb.key_id AND p.block = kb.block) AS "firstStep",
            l.step AS "lastStep", l.value AS "lastValue"
     FROM kb JOIN metric_keys k ON k.id = kb.key_id
     CROSS JOIN LATERAL (SELECT p.step, p.value FROM metric_points p WHERE p.run_id = kb.run_id AND p.key_id = kb.key_id AND p.block = kb.block
                         ORDER BY p.step DESC LIMIT 1) l
     ORDER BY array_position($1::uuid[], kb.run_id), k.name, kb.block`, [ids]);
  return rows;
}
