// logMetrics, the hot path: validate a batch in one pass, then write it with ONE statement that
// checks the lease (share-locking the job row) and inserts every point with unnest(…) ON
// CONFLICT DO NOTHING, then merges the inserted points into the series rollups. One statement is
// one transaction: the batch lands whole or not at all, and only while the caller holds the
// lease. Replays hit the primary key (run, key, block, step) and are counted as duplicates.
import { rollupMergeCtes } from '@stratum/db';
import type { AppServices } from '../context.js';
import { BadInputError } from '../errors/codes.js';
import { explainLeaseLoss, FENCE, fenceParams, type Fence } from '../job/fence.js';
import { allMetricKeysCached, forgetMetricKeys, resolveMetricKeys } from './metric-keys.js';
import { queueMetricEvent, type MetricEventPoint } from './metric-events.js';
import type { MetricColumnsInput, MetricPointInput } from './ingest.input.js';

export const MAX_POINTS_PER_CALL = 50_000;
export const MAX_KEY_LENGTH = 200;
const MAX_BLOCK = 32_767; // smallint
/** Wall times must be plausible epoch milliseconds (1970 … 5138). */
const MAX_WALL_MS = 1e14;

/** A batch in columnar form, as validated. */
export interface MetricBatch {
  keys: readonly string[];
  blocks: ReadonlyArray<number | null> | null;
  steps: readonly number[];
  values: ReadonlyArray<number | null>;
  wallTimes: ReadonlyArray<number | null> | null;
}

export function columnsFromPoints(points: readonly MetricPointInput[]): MetricBatch {
  const n = points.length;
  const keys = new Array<string>(n);
  const blocks = new Array<number | null>(n);
  const steps = new Array<number>(n);
  const values = new Array<number | null>(n);
  const wallTimes = new Array<number | null>(n);
  for (let i = 0; i < n; i++) {
    const p = points[i] as MetricPointInput;
    keys[i] = p.key;
    blocks[i] = p.block ?? null;
    steps[i] = p.step;
    values[i] = p.value ?? null;
    wallTimes[i] = p.wallTime ?? null;
  }
  return { keys, blocks, steps, values, wallTimes };
}

export function columnsFromInput(columns: MetricColumnsInput): MetricBatch {
  return { keys: columns.keys, blocks: columns.blocks ?? null, steps: columns.steps, values: columns.values, wallTimes: columns.wallTimes ?? null };
}

/** What the statement needs: Postgres array literals, built with native joins where possible. */
export interface EncodedBatch {
  n: number;
  names: string[];
  /** Index into `names` per point. */
  keyIndex: Int32Array;
  blocks: string;
  steps: string;
  values: string;
  wallTimes: string | null;
}

function where(batch: MetricBatch, i: number): string {
  return `point ${i} (key ${JSON.stringify(batch.keys[i])}, step ${batch.steps[i]})`;
}

/**
 * Checks every point (lengths, finite values, step ≥ 0, block range, key names, wall times) and
 * encodes the batch. Throws BadInputError naming the first offending point's key and step.
 */
export function encodeBatch(batch: MetricBatch, batchId: string): EncodedBatch {
  const n = batch.keys.length;
  if (n > MAX_POINTS_PER_CALL) throw new BadInputError(`a batch holds at most ${MAX_POINTS_PER_CALL} points; batch ${batchId} has ${n}: split it`, 'points');
  for (const [field, list] of [['steps', batch.steps], ['values', batch.values], ['blocks', batch.blocks], ['wallTimes', batch.wallTimes]] as const) {
    if (list !== null && list.length !== n) throw new BadInputError(`columns.${field} has ${list.length} entries but columns.keys has ${n}; every column needs one entry per point`, `columns.${field}`);
  }
  const nameIndex = new Map<string, number>();
  const names: string[] = [];
  const keyIndex = new Int32Array(n);
  const { keys, steps, values, blocks, wallTimes } = batch;
  for (let i = 0; i < n; i++) {
    const key = keys[i] as string;
    let index = nameIndex.get(key);
    if (index === undefined) {
      if (key.length === 0 || key.length > MAX_KEY_LENGTH || key.includes('\u0000')) {
        throw new BadInputError(`${where(batch, i)}: a metric key must be 1–${MAX_KEY_LENGTH} characters without NUL; nothing of batch ${batchId} was written`, 'keys');
      }
      index = names.length;
      names.push(key);
      nameIndex.set(key, index);
    }
    keyIndex[i] = index;
    const value = values[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new BadInputError(
        `${where(batch, i)}: value is not a finite number (NaN and ±Infinity arrive as null in JSON); nothing of batch ${batchId} was written`,
        'values',
      );
    }
    if ((steps[i] as number) < 0) throw new BadInputError(`${where(batch, i)}: step must be ≥ 0; nothing of batch ${batchId} was written`, 'steps');
    if (blocks !== null) {
      const block = blocks[i];
      if (block !== null && block !== undefined && (block < 0 || block > MAX_BLOCK)) {
        throw new BadInputError(`${where(batch, i)}: block must be 0–${MAX_BLOCK} (null or 0 = whole model); nothing of batch ${batchId} was written`, 'blocks');
      }
    }
    if (wallTimes !== null) {
      const wall = wallTimes[i];
      if (wall !== null && wall !== undefined && !(wall >= 0 && wall < MAX_WALL_MS)) {
        throw new BadInputError(`${where(batch, i)}: wallTime must be milliseconds since the Unix epoch; nothing of batch ${batchId} was written`, 'wallTimes');
      }
    }
  }
  // Numbers print in the shortest form that round-trips, which float8 input parses exactly.
  return {
    n,
    names,
    keyIndex,
    steps: `{${steps.join(',')}}`,
    values: `{${values.join(',')}}`,
    blocks: blocks === null ? `{${'0,'.repeat(n).slice(0, -1)}}` : `{${blocks.map((b) => b ?? 0).join(',')}}`,
    wallTimes: wallTimes === null ? null : `{${wallTimes.map((w) => (w === null || w === undefined ? 'NULL' : w)).join(',')}}`,
  };
}

// The points it actually inserted (RETURNING: replayed points are not returned) are rolled up
// into metric_rollups by the same statement, so points and rollups commit together and a replay
// changes neither.
const INSERT_SQL = `
WITH job AS (
  SELECT j.run_id FROM jobs j WHERE ${FENCE} FOR SHARE
), ins AS (
  INSERT INTO metric_points (run_id, key_id, block, step, value, wall_time)
  SELECT job.run_id, u.k, u.b, u.s, u.v, to_timestamp(u.w / 1000.0)
  FROM job, unnest($4::int[], $5::int2[], $6::int[], $7::float8[], $8::float8[]) AS u(k, b, s, v, w)
  ON CONFLICT DO NOTHING
  RETURNING run_id, key_id, block, step, value
)${rollupMergeCtes('ins')}
SELECT job.run_id, (SELECT count(*) FROM ins)::int AS inserted FROM job`;

export interface IngestResult {
  runId: string;
  accepted: number;
  duplicates: number;
}

function keyIdLiteral(encoded: EncodedBatch, ids: number[]): string {
  const perPoint = new Array<number>(encoded.n);
  for (let i = 0; i < encoded.n; i++) perPoint[i] = ids[encoded.keyIndex[i] as number] as number;
  return `{${perPoint.join(',')}}`;
}

export async function logMetrics(app: AppServices, fence: Fence, batchId: string, batch: MetricBatch): Promise<IngestResult> {
  if (batchId.length === 0 || batchId.length > 200) throw new BadInputError('batchId must be 1–200 characters', 'batchId');
  const encoded = encodeBatch(batch, batchId);
  for (let attempt = 0; ; attempt++) {
    // New keys are created only for a caller whose fence holds: a token holding no job must not
    // grow metric_keys (the insert below re-checks the fence atomically).
    if (!allMetricKeysCached(app.pool, encoded.names)) {
      const { rowCount } = await app.pool.query({ text: `SELECT 1 FROM jobs j WHERE ${FENCE}`, values: fenceParams(fence) });
      if (!rowCount) return explainLeaseLoss(app, fence);
    }
    const ids = await resolveMetricKeys(app.pool, encoded.names);
    try {
      const { rows } = await app.pool.query<{ run_id: string; inserted: number }>({
        name: 'stratum_log_metrics',
        text: INSERT_SQL,
        values: [...fenceParams(fence), keyIdLiteral(encoded, ids), encoded.blocks, encoded.steps, encoded.values, encoded.wallTimes],
      });
      const row = rows[0];
      if (!row) return explainLeaseLoss(app, fence);
      if (row.inserted > 0) queueMetricEvent(app, row.run_id, tailPoints(batch, encoded));
      return { runId: row.run_id, accepted: row.inserted, duplicates: encoded.n - row.inserted };
    } catch (error) {
      // metric_keys was reset underneath the cache (a restore, a test truncating tables): once more, uncached.
      if ((error as { code?: string }).code === '23503' && attempt === 0) {
        forgetMetricKeys(app.pool);
        continue;
      }
      throw error;
    }
  }
}

/** The last points of the batch for the live-metrics event (block null = whole model, as in GraphQL). */
function tailPoints(batch: MetricBatch, encoded: EncodedBatch, max = 200): MetricEventPoint[] {
  const from = Math.max(0, encoded.n - max);
  const points: MetricEventPoint[] = [];
  for (let i = from; i < encoded.n; i++) {
    const block = batch.blocks?.[i] ?? 0;
    points.push({ key: batch.keys[i] as string, block: block === 0 ? null : block, step: batch.steps[i] as number, value: batch.values[i] as number });
  }
  return points;
}
