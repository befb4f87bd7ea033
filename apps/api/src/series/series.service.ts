// metricSeries: server-side downsampling of metric points on the read pool.
//
// Per request, in one read-only snapshot:
//   1. the series' bounds (first and last step in range, and the first value) from index probes
//      at both ends of each (run, key, block) range of the primary key, discovering blocks with a
//      skip scan when none were asked for;
//   2. one statement over all series — a UNION ALL branch per series, which PostgreSQL can spread
//      over parallel workers — that either reads a short series raw or buckets it: the step range
//      after the first point is cut into maxPoints − 1 equal-width buckets by integer division on
//      the step, each giving count, min, max and the (step, value) of its last point. Arrays come
//      back as array_send bytea (no per-number text formatting or parsing).
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

interface SeriesRef {
  runId: string;
  keyId: number;
  key: string;
  block: number;
  /** First and last step in range (null when the range is empty). */
  lo: number | null;
  hi: number | null;
  firstValue: number | null;
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

export async function metricSeries(app: AppServices, request: SeriesRequest): Promise<MetricSeries[]> {
  const client = await app.readPool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    // Bucketing plans are costed high enough to trigger JIT compilation, which costs more than
    // the query itself; and the aggregate must not be planned as anything but per-series.
    await client.query('SET LOCAL jit = off');
    const result = await readSeries(client, request);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function readSeries(client: pg.PoolClient, request: SeriesRequest): Promise<MetricSeries[]> {
  const { rows: found } = await client.query<{ id: string }>('SELECT id FROM runs WHERE id = ANY($1::uuid[])', [request.runIds]);
  if (found.length !== request.runIds.length) {
    const known = new Set(found.map((r) => r.id));
    throw new NotFoundError('run', request.runIds.find((id) => !known.has(id))!);
  }
  const { rows: keyRows } = await client.query<{ id: number; name: string }>('SELECT id, name FROM metric_keys WHERE name = ANY($1::text[])', [request.keys]);
  const keyIds = new Map(keyRows.map((k) => [k.name, k.id]));

  const refs = await seriesBounds(client, request, keyIds);
  if (refs.length > MAX_SERIES) throw new BadInputError(`matches ${refs.length} series; the limit is ${MAX_SERIES} (ask for fewer runs, keys or blocks)`, 'runIds');
  if (refs.length * Math.min(request.maxPoints, request.toStep - request.fromStep + 1) > MAX_TOTAL_POINTS) {
    throw new BadInputError(`${refs.length} series × maxPoints ${request.maxPoints} exceeds ${MAX_TOTAL_POINTS} points; lower maxPoints`, 'maxPoints');
  }

  const out: MetricSeries[] = refs.map((ref) => ({
    runId: ref.runId, key: ref.key, block: ref.block === 0 ? null : ref.block, downsampled: false, pointCount: 0,
    steps: [], values: [], mins: null, maxs: null, counts: null,
  }));
  const M = request.maxPoints;
  const raw: number[] = [];
  const bucketed: number[] = [];
  refs.forEach((ref, i) => {
    if (ref.lo === null || ref.hi === null) return;
    // Distinct integer steps: a span of at most M steps holds at most M points.
    if (ref.hi - ref.lo + 1 <= M) raw.push(i);
    else bucketed.push(i);
  });

  const sparse: number[] = [];
  if (raw.length + bucketed.length > 0) {
    const branches = [...raw.map((i) => rawBranch(i, refs[i]!)), ...bucketed.map((i) => bucketBranch(i, refs[i]!, M))];
    const { rows } = await client.query<{ i: number; n: Buffer | null; mn: Buffer | null; mx: Buffer | null; st: Buffer | null; v: Buffer | null }>(branches.join('\nUNION ALL\n'));
    for (const row of rows) {
      const ref = refs[row.i]!;
      const series = out[row.i]!;
      const steps = int4Array(row.st);
      const values = float8Array(row.v);
      if (row.n === null) {
        Object.assign(series, inStepOrder({ steps, values }));
        series.pointCount = series.steps.length;
        continue;
      }
      const counts = int4Array(row.n);
      const total = 1 + counts.reduce((a, b) => a + b, 0);
      if (total <= M) {
        sparse.push(row.i);
        continue;
      }
      const sorted = inStepOrder({ steps, values, mins: float8Array(row.mn), maxs: float8Array(row.mx), counts });
      // The range's first point stands alone, so the first step is always kept.
      const first = ref.firstValue!;
      Object.assign(series, {
        downsampled: true,
        pointCount: total,
        steps: [ref.lo!, ...sorted.steps],
        values: [first, ...sorted.values],
        mins: [first, ...sorted.mins!],
        maxs: [first, ...sorted.maxs!],
        counts: [1, ...sorted.counts!],
      });
    }
  }
  if (sparse.length > 0) {
    const { rows } = await client.query<{ i: number; st: Buffer; v: Buffer }>(sparse.map((i) => rawBranch(i, refs[i]!)).join('\nUNION ALL\n'));
    for (const row of rows) {
      const series = out[row.i]!;
      Object.assign(series, inStepOrder({ steps: int4Array(row.st), values: float8Array(row.v) }));
      series.pointCount = series.steps.length;
    }
  }
  return out;
}

/** Series (with bounds) in request order: runs, then keys, then blocks ascending. */
async function seriesBounds(client: pg.PoolClient, request: SeriesRequest, keyIds: Map<string, number>): Promise<SeriesRef[]> {
  const pairs: Array<{ runId: string; key: string; keyId: number }> = [];
  for (const runId of request.runIds) for (const key of request.keys) {
    const keyId = keyIds.get(key);
    if (keyId !== undefined) pairs.push({ runId, key, keyId });
  }
  let triples: Array<{ runId: string; key: string; keyId: number; block: number }>;
  if (request.blocks !== undefined) {
    triples = [];
    for (const runId of request.runIds) for (const key of request.keys) for (const block of [...request.blocks].sort((a, b) => a - b)) {
      // A key nothing has logged yet has no id: its series are empty.
      triples.push({ runId, key, keyId: keyIds.get(key) ?? -1, block });
    }
  } else {
    if (pairs.length === 0) return [];
    // Loose index scan over (run_id, key_id, block): one probe per distinct block.
    const { rows } = await client.query<{ i: number; block: number }>(
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
    triples = rows.map((r) => ({ ...pairs[r.i]!, block: r.block }));
  }
  if (triples.length === 0) return [];
  if (triples.length > MAX_SERIES) throw new BadInputError(`matches ${triples.length} series; the limit is ${MAX_SERIES} (ask for fewer runs, keys or blocks)`, 'runIds');
  const { rows } = await client.query<{ lo: number | null; hi: number | null; first: number | null }>(
    `SELECT f.lo, l.hi, f.first
     FROM unnest($1::uuid[], $2::int[], $3::int[]) WITH ORDINALITY AS s(run_id, key_id, block, i)
     LEFT JOIN LATERAL (SELECT p.step AS lo, p.value AS first FROM metric_points p
       WHERE p.run_id = s.run_id AND p.key_id = s.key_id AND p.block = s.block AND p.step >= $4 AND p.step <= $5 ORDER BY p.step LIMIT 1) f ON true
     LEFT JOIN LATERAL (SELECT p.step AS hi FROM metric_points p
       WHERE p.run_id = s.run_id AND p.key_id = s.key_id AND p.block = s.block AND p.step >= $4 AND p.step <= $5 ORDER BY p.step DESC LIMIT 1) l ON true
     ORDER BY s.i`,
    [triples.map((t) => t.runId), triples.map((t) => t.keyId), triples.map((t) => t.block), request.fromStep, request.toStep]);
  return triples.map((t, i) => ({ ...t, lo: rows[i]!.lo, hi: rows[i]!.hi, firstValue: rows[i]!.first }));
}

// The branches inline their constants: every one is a validated UUID or a checked integer, and
// literal bounds let the planner cost each range exactly.
function literals(ref: SeriesRef): string {
  if (!/^[0-9a-f-]{36}$/.test(ref.runId)) throw new Error('run id is not a UUID');
  for (const n of [ref.keyId, ref.block, ref.lo, ref.hi]) if (!Number.isSafeInteger(n)) throw new Error('series bound is not an integer');
  return `p.run_id = '${ref.runId}'::uuid AND p.key_id = ${ref.keyId} AND p.block = ${ref.block}`;
}

function rawBranch(i: number, ref: SeriesRef): string {
  return `(SELECT ${i} AS i, NULL::bytea AS n, NULL::bytea AS mn, NULL::bytea AS mx, array_send(array_agg(x.step)) AS st, array_send(array_agg(x.value)) AS v
  FROM (SELECT p.step, p.value FROM metric_points p WHERE ${literals(ref)} AND p.step >= ${ref.lo} AND p.step <= ${ref.hi} ORDER BY p.step) x)`;
}

function bucketBranch(i: number, ref: SeriesRef, maxPoints: number): string {
  const lo = ref.lo!;
  const span = ref.hi! - lo; // > maxPoints − 1 ≥ 1 here
  const buckets = maxPoints - 1;
  return `(SELECT ${i} AS i, array_send(array_agg(g.n)) AS n, array_send(array_agg(g.mn)) AS mn, array_send(array_agg(g.mx)) AS mx,
    array_send(array_agg(g.lv[1]::int)) AS st, array_send(array_agg(g.lv[2])) AS v
  FROM (SELECT ((p.step - ${lo + 1})::int8 * ${buckets} / ${span})::int AS b, count(*)::int AS n, min(p.value) AS mn, max(p.value) AS mx,
          max(ARRAY[p.step::float8, p.value]) AS lv
        FROM metric_points p WHERE ${literals(ref)} AND p.step > ${lo} AND p.step <= ${ref.hi}
        GROUP BY 1 ORDER BY 1) g)`;
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
