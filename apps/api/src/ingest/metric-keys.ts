// Metric key names → ids. Keys are a small, append-only dictionary, so each process caches
// them: the hot path only touches the database for names it has never seen.
import type pg from 'pg';
import { LRUCache } from 'lru-cache';
import type { Row } from '../common/columns.js';

/** Names cached per pool; the least recently used are forgotten (and re-read) beyond this. */
export const METRIC_KEY_CACHE_SIZE = 50_000;

const caches = new WeakMap<pg.Pool, LRUCache<string, number>>();

function cacheFor(pool: pg.Pool): LRUCache<string, number> {
  let cache = caches.get(pool);
  if (!cache) {
    cache = new LRUCache({ max: METRIC_KEY_CACHE_SIZE });
    caches.set(pool, cache);
  }
  return cache;
}

/** How many names the pool's cache holds (bounded by METRIC_KEY_CACHE_SIZE). */
export function cachedMetricKeyCount(pool: pg.Pool): number {
  return caches.get(pool)?.size ?? 0;
}

const UPSERT_KEYS = `
WITH wanted AS (SELECT DISTINCT n AS name FROM unnest($1::text[]) AS n),
inserted AS (
  INSERT INTO metric_keys (name)
  SELECT w.name FROM wanted w WHERE NOT EXISTS (SELECT 1 FROM metric_keys k WHERE k.name = w.name)
  ON CONFLICT (name) DO NOTHING
  RETURNING id, name
)
SELECT id, name FROM inserted
UNION ALL
SELECT k.id, k.name FROM metric_keys k JOIN wanted w ON w.name = k.name`;

/** Ids for `names` (in order), creating missing keys. */
export async function resolveMetricKeys(pool: pg.Pool, names: readonly string[]): Promise<number[]> {
  const cache = cacheFor(pool);
  // Ids collected locally: a batch with more names than the cache holds must not lose its own.
  const found = new Map<string, number>();
  for (const name of names) {
    const id = cache.get(name);
    if (id !== undefined) found.set(name, id);
  }
  let missing = [...new Set(names.filter((name) => !found.has(name)))];
  // A key committed by a concurrent caller after this statement's snapshot is neither inserted
  // nor seen; asking again finds it.
  for (let round = 0; missing.length > 0 && round < 3; round++) {
    const { rows } = await pool.query<Pick<Row<'metric_keys'>, 'id' | 'name'>>({ name: 'stratum_upsert_metric_keys', text: UPSERT_KEYS, values: [missing] });
    for (const row of rows) {
      cache.set(row.name, row.id);
      found.set(row.name, row.id);
    }
    missing = missing.filter((name) => !found.has(name));
  }
  if (missing.length > 0) throw new Error(`could not resolve metric keys: ${missing.slice(0, 5).join(', ')}`);
  return names.map((name) => found.get(name) as number);
}

/** Whether every name already has a cached id (then resolving touches no table). */
export function allMetricKeysCached(pool: pg.Pool, names: readonly string[]): boolean {
  const cache = cacheFor(pool);
  return names.every((name) => cache.has(name));
}

/** Forget cached ids (after a foreign-key failure: the dictionary was reset underneath us). */
export function forgetMetricKeys(pool: pg.Pool): void {
  caches.delete(pool);
}
