// logMetrics, the hot path: validate a batch in one pass, then write it with ONE statement that
// checks the lease (share-locking the job row) and inserts every point with unnest(…), then
// merges the inserted points into the series rollups. One statement is one transaction: the
// batch lands whole or not at all, and only while the caller holds the lease.
//
// Which write wins (issue 18 item 10): a point already stored by the same claim, or at or before
// the claim's resume step, is a replay — counted as a duplicate, first write wins. A point after
// the resume step that an EARLIER claim wrote belongs to an abandoned trajectory (that claim's
// weights after the checkpoint were lost): the later claim's value replaces it, in the same
// fenced statement, and the point records the attempt (metric_points.attempt = jobs.run_attempt:
// every claim of any of the run's jobs is the run's next attempt).
// Replacing changes rollup buckets in ways a merge cannot express (a min may have gone), so a
// batch of a later attempt writes in a transaction that then recomputes the touched buckets from
// the points. A claim's attempt number never changes, so it is remembered per fence.
import { recomputeRollupBuckets, rollupMergeCtes } from '@stratum/db';
import { LRUCache } from 'lru-cache';
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
  const repeated = repeatedPoints(batch, keyIndex, names.length);
  if (repeated) return encodeBatch(withoutPoints(batch, repeated), batchId);
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

/**
 * The points that repeat an earlier point of the batch (same key, block and step), or null.
 * One statement cannot write a row twice, so the first occurrence is kept (as a replay would).
 */
function repeatedPoints(batch: MetricBatch, keyIndex: Int32Array, keyCount: number): Uint8Array | null {
  const seen: Array<Set<number>> = Array.from({ length: keyCount }, () => new Set<number>());
  let repeated: Uint8Array | null = null;
  for (let i = 0; i < keyIndex.length; i++) {
    // block < 2^15 and 0 ≤ step < 2^31: block · 2^32 + step is exact in a double.
    const id = (batch.blocks?.[i] ?? 0) * 4_294_967_296 + (batch.steps[i] as number);
    const set = seen[keyIndex[i] as number] as Set<number>;
    if (set.has(id)) (repeated ??= new Uint8Array(keyIndex.length))[i] = 1;
    else set.add(id);
  }
  return repeated;
}

function withoutPoints(batch: MetricBatch, drop: Uint8Array): MetricBatch {
  const keep = <T>(list: readonly T[]): T[] => list.filter((_, i) => drop[i] === 0);
  return {
    keys: keep(batch.keys),
    steps: keep(batch.steps),
    values: keep(batch.values),
    blocks: batch.blocks === null ? null : keep(batch.blocks),
    wallTimes: batch.wallTimes === null ? null : keep(batch.wallTimes),
  };
}

// The points it actually inserted (RETURNING … xmax = 0: replays are not returned, replaced
// points come back with fresh = false) are rolled up into metric_rollups by the same statement,
// so points and rollups commit together and a replay changes neither.
const INSERT_SQL = `
WITH job AS (
  SELECT j.run_id, j.run_attempt AS attempt, coalesce(j.resume_step, -1) AS resume_step FROM jobs j WHERE ${FENCE} FOR SHARE
), written AS (
  INSERT INTO metric_points AS p (run_id, key_id, block, step, value, wall_time, attempt)
  SELECT job.run_id, u.k, u.b, u.s, u.v, to_timestamp(u.w / 1000.0), job.attempt
  FROM job, unnest($4::int[], $5::int2[], $6::int[], $7::float8[], $8::float8[]) AS u(k, b, s, v, w)
  ON CONFLICT (run_id, key_id, block, step) DO UPDATE
    SET value = EXCLUDED.value, wall_time = EXCLUDED.wall_time, attempt = EXCLUDED.attempt
    WHERE p.attempt < EXCLUDED.attempt AND EXCLUDED.step > (SELECT resume_step FROM job)
  RETURNING run_id, key_id, block, step, value, (xmax = 0) AS fresh
), ins AS (
  SELECT run_id, key_id, block, step, value FROM written WHERE fresh
)${rollupMergeCtes('ins')}
SELECT job.run_id, job.attempt, (SELECT count(*) FROM ins)::int AS inserted,
       (SELECT count(*) FROM written WHERE NOT fresh)::int AS replaced,
       (SELECT array_agg(key_id) FROM written WHERE NOT fresh) AS r_keys,
       (SELECT array_agg(block) FROM written WHERE NOT fresh) AS r_blocks,
       (SELECT array_agg(step) FROM written WHERE NOT fresh) AS r_steps
FROM job`;

interface InsertRow {
  run_id: string;
  attempt: number;
  inserted: number;
  replaced: number;
  r_keys: number[] | null;
  r_blocks: number[] | null;
  r_steps: number[] | null;
}

/** Claims (job:fencing token) known to be their run's first attempt: nothing to replace. */
const firstAttempts = new LRUCache<string, true>({ max: 10_000 });

export interface IngestResult {
  runId: string;
  /** Points stored by this call: inserted, or replacing an earlier claim's. */
  accepted: number;
  /** Of those, points an earlier claim had written after this claim's resume step, now this claim's. */
  replaced: number;
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
      const values = [...fenceParams(fence), keyIdLiteral(encoded, ids), encoded.blocks, encoded.steps, encoded.values, encoded.wallTimes];
      const claim = `${fence.jobId}:${fence.token}`;
      const row = firstAttempts.has(claim)
        ? (await app.pool.query<InsertRow>({ name: 'stratum_log_metrics', text: INSERT_SQL, values })).rows[0]
        : await insertMayReplace(app, values);
      if (!row) return explainLeaseLoss(app, fence);
      if (row.attempt <= 1) firstAttempts.set(claim, true);
      if (row.inserted + row.replaced > 0) queueMetricEvent(app, row.run_id, tailPoints(batch, encoded));
      const accepted = row.inserted + row.replaced;
      return { runId: row.run_id, accepted, replaced: row.replaced, duplicates: batch.keys.length - accepted };
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

/** A later claim's batch: the statement, then the rollup buckets of replaced points recomputed, in one transaction. */
async function insertMayReplace(app: AppServices, values: unknown[]): Promise<InsertRow | undefined> {
  const client = await app.pool.connect();
  try {
    await client.query('BEGIN');
    const row = (await client.query<InsertRow>({ name: 'stratum_log_metrics', text: INSERT_SQL, values })).rows[0];
    if (row && row.replaced > 0) await recomputeRollupBuckets(client, row.run_id, { keyIds: row.r_keys ?? [], blocks: row.r_blocks ?? [], steps: row.r_steps ?? [] });
    await client.query('COMMIT');
    return row;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
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
