// metricSeries: server-side downsampling on the read pool, from the series rollups.
//
// Per request:
//   1. (only when no blocks are asked for) the blocks each (run, key) has, by a loose index scan;
//   2. the bounds of each series in the window: its first and last point (two index probes);
//   3. a plan per series (rollup-plan.ts): raw when its step span fits in maxPoints, else aligned
//      power-of-two buckets made of rollup rows, the edge buckets covered by finer rollup rows
//      and a few raw points; then one statement reads every planned piece of every series, each
//      as arrays sent in binary (array_send);
//   4. (rare) sparse series whose points fit in maxPoints although their step span does not are
//      read again raw.
// The rows read are O(maxPoints) per series, however many points it stores.
import { distance } from 'fastest-levenshtein';
import type pg from 'pg';
import { METRIC_KEYS } from '@stratum/run-config';
import type { AppServices } from '../context.js';
import { BadInputError, NotFoundError } from '../errors/codes.js';
import { parseIds } from '../common/ids.js';
import { MAX_SERIES, MAX_TOTAL_POINTS, type MetricSeriesArgs } from './series.input.js';
import type { MetricKeyInfo, MetricSeries } from './series.type.js';
import { BucketFolder, planSeries } from './rollup-plan.js';
import { pointColumns, POINT_RECORD, readBounds, readPieces, ROLLUP_RECORD, type PieceRows, type SeriesRef } from './series.read.js';

const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

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
  await checkKeys(app, request, keyIds);

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
  if (readable.length === 0) return out;
  await withReader(app, async (client) => {
    const bounds = await readBounds(client, request.fromStep, request.toStep, readable);
    const planned = bounds.map((b) => ({ ...b, plan: planSeries(b.lo, b.hi, request.maxPoints) }));
    const pieces = planned.flatMap(({ ref, plan }) => plan.kind === 'raw' ? [{ ref, piece: { kind: 'raw' as const, from: plan.from, to: plan.to } }] : plan.pieces.map((piece) => ({ ref, piece })));
    const rows = await readPieces(client, pieces);
    let next = 0;
    const sparse: Array<{ ref: SeriesRef; i: number; lo: number; hi: number }> = [];
    for (const series of planned) {
      const count = series.plan.kind === 'raw' ? 1 : series.plan.pieces.length;
      const mine = rows.slice(next, next + count);
      next += count;
      const target = out[series.i]!;
      if (series.plan.kind === 'raw') {
        Object.assign(target, rawSeries(mine[0]!));
        continue;
      }
      const folder = new BucketFolder(series.plan.level);
      for (const piece of mine) foldPiece(folder, piece);
      const total = 1 + folder.total();
      if (total <= request.maxPoints) {
        sparse.push(series);
        continue;
      }
      // The range's first point stands alone, so the first step is always kept.
      Object.assign(target, {
        downsampled: true,
        pointCount: total,
        steps: [series.lo, ...folder.steps],
        values: [series.first, ...folder.values],
        mins: [series.first, ...folder.mins],
        maxs: [series.first, ...folder.maxs],
        counts: [1, ...folder.counts],
      });
    }
    if (sparse.length > 0) {
      const raw = await readPieces(client, sparse.map(({ ref, lo, hi }) => ({ ref, piece: { kind: 'raw' as const, from: lo, to: hi } })));
      sparse.forEach((series, k) => Object.assign(out[series.i]!, rawSeries(raw[k]!)));
    }
  });
  return out;
}

/** The trainer's own keys: asking for one before any point exists (a live chart) is not an error. */
const TRAINER_KEYS: ReadonlySet<string> = new Set(METRIC_KEYS);

/** A key nothing has ever logged (and not one of the trainer's) is a typo: say so, with the keys the
 * runs have, closest first. */
async function checkKeys(app: AppServices, request: SeriesRequest, keyIds: Map<string, number>): Promise<void> {
  const unknown = request.keys.filter((k) => !keyIds.has(k) && !TRAINER_KEYS.has(k));
  if (unknown.length === 0) return;
  const has = [...new Set((await metricKeys(app, request.runIds)).map((k) => k.key))];
  const near = (key: string) => [...has].sort((a, b) => distance(key, a) - distance(key, b) || a.localeCompare(b));
  const runs = request.runIds.length === 1 ? 'the run has' : 'these runs have';
  const listed = has.length === 0 ? `${runs} no metrics yet` : `${runs}: ${near(unknown[0]!).join(', ')}`;
  throw new BadInputError(`unknown metric key${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${k}"`).join(', ')}; ${listed}`, 'keys');
}

/** Folds a piece's records (in step order) into the buckets. */
function foldPiece(folder: BucketFolder, piece: PieceRows): void {
  const data = piece.data;
  if (!data) return;
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (piece.level === null) {
    for (let o = 0; o < data.length; o += POINT_RECORD) {
      const step = view.getInt32(o);
      const value = view.getFloat64(o + 4);
      folder.add(step, 1, value, value, step, value);
    }
    return;
  }
  const width = 2 ** piece.level;
  for (let o = 0; o < data.length; o += ROLLUP_RECORD) {
    folder.add(view.getInt32(o) * width, view.getInt32(o + 4), view.getFloat64(o + 12), view.getFloat64(o + 20), view.getInt32(o + 8), view.getFloat64(o + 28));
  }
}

function rawSeries(piece: PieceRows): Partial<MetricSeries> {
  const { steps, values } = pointColumns(piece.data);
  return { steps, values, downsampled: false, pointCount: steps.length, mins: null, maxs: null, counts: null };
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
