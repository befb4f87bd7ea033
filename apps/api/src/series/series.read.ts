// The statements behind metricSeries: each series' bounds in the window, and the stored rows of
// planned pieces. A piece's rows come back as one bytea of fixed-width big-endian records (built
// by int4send/float8send and string_agg), so the driver neither formats nor parses numbers and
// one pass over a DataView reads them. The records are aggregated from an ordered subquery (an
// ORDER BY inside string_agg would sort again what the index already yields in order); the
// readers check the order (and fail loudly were it ever not kept).
import type pg from 'pg';
import type { Piece } from './rollup-plan.js';

export interface SeriesRef {
  runId: string;
  keyId: number;
  key: string;
  block: number;
}

export interface Bounds { ref: SeriesRef; i: number; lo: number; first: number; hi: number }

/** First point and last step of each series in [fromStep, toStep] (series without points are left out). */
export async function readBounds(client: pg.PoolClient, fromStep: number, toStep: number, series: Array<{ ref: SeriesRef; i: number }>): Promise<Bounds[]> {
  const { rows } = await client.query<{ k: number; lo: number; first: number; hi: number }>(
    `SELECT s.k::int AS k, f.lo, f.first, l.hi
     FROM unnest($1::uuid[], $2::int[], $3::int[]) WITH ORDINALITY AS s(run_id, key_id, block, k)
     CROSS JOIN LATERAL (SELECT p.step AS lo, p.value AS first FROM metric_points p
       WHERE p.run_id = s.run_id AND p.key_id = s.key_id AND p.block = s.block AND p.step >= $4 AND p.step <= $5
       ORDER BY p.step LIMIT 1) f
     CROSS JOIN LATERAL (SELECT p.step AS hi FROM metric_points p
       WHERE p.run_id = s.run_id AND p.key_id = s.key_id AND p.block = s.block AND p.step >= $4 AND p.step <= $5
       ORDER BY p.step DESC LIMIT 1) l
     ORDER BY s.k`,
    [series.map((x) => x.ref.runId), series.map((x) => x.ref.keyId), series.map((x) => x.ref.block), fromStep, toStep]);
  return rows.map((row) => ({ ...series[row.k - 1]!, lo: row.lo, first: row.first, hi: row.hi }));
}

/** Bytes per record: rollup (bucket, count, last_step int4; min, max, last_value float8), raw point (step int4, value float8). */
export const ROLLUP_RECORD = 36;
export const POINT_RECORD = 12;

/** A piece's rows: rollup records of `level`, or raw point records (level null); data null when none. */
export interface PieceRows { level: number | null; data: Buffer | null }

/** Every piece's rows in one statement, in the order given, each in step order. */
export async function readPieces(client: pg.PoolClient, pieces: Array<{ ref: SeriesRef; piece: Piece }>): Promise<PieceRows[]> {
  const indexed = pieces.map((p, k) => ({ ...p, k }));
  const rollup = indexed.filter((p) => p.piece.kind === 'rollup');
  const raw = indexed.filter((p) => p.piece.kind === 'raw');
  const columns = (list: typeof indexed) => [list.map((p) => p.k), list.map((p) => p.ref.runId), list.map((p) => p.ref.keyId), list.map((p) => p.ref.block), list.map((p) => p.piece.from), list.map((p) => p.piece.to)];
  const { rows } = await client.query<PieceRows & { k: number }>(
    `SELECT q.k, q.level::int AS level,
            (SELECT string_agg(int4send(r.bucket) || int4send(r.count) || int4send(r.last_step) || float8send(r.min) || float8send(r.max) || float8send(r.last_value), ''::bytea)
             FROM (SELECT r.* FROM metric_rollups r
                   WHERE r.run_id = q.run_id AND r.key_id = q.key_id AND r.block = q.block AND r.level = q.level AND r.bucket >= q.lo AND r.bucket <= q.hi
                   ORDER BY r.bucket) r) AS data
     FROM unnest($1::int[], $2::uuid[], $3::int[], $4::int2[], $5::int[], $6::int[], $7::int2[]) AS q(k, run_id, key_id, block, lo, hi, level)
     UNION ALL
     SELECT q.k, NULL,
            (SELECT string_agg(int4send(p.step) || float8send(p.value), ''::bytea)
             FROM (SELECT p.step, p.value FROM metric_points p
                   WHERE p.run_id = q.run_id AND p.key_id = q.key_id AND p.block = q.block AND p.step >= q.lo AND p.step <= q.hi
                   ORDER BY p.step) p)
     FROM unnest($8::int[], $9::uuid[], $10::int[], $11::int2[], $12::int[], $13::int[]) AS q(k, run_id, key_id, block, lo, hi)`,
    [...columns(rollup), rollup.map((p) => (p.piece as { level: number }).level), ...columns(raw)]);
  const byPiece = new Array<PieceRows>(pieces.length);
  for (const row of rows) byPiece[row.k] = row;
  return byPiece;
}

/** Raw point records as step and value arrays. */
export function pointColumns(data: Buffer | null): { steps: number[]; values: number[] } {
  const n = data ? data.length / POINT_RECORD : 0;
  const steps = new Array<number>(n);
  const values = new Array<number>(n);
  if (data) {
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    for (let k = 0, o = 0; k < n; k++, o += POINT_RECORD) {
      steps[k] = view.getInt32(o);
      values[k] = view.getFloat64(o + 4);
    }
  }
  return { steps, values };
}
