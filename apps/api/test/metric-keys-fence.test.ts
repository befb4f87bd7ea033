// An AGENT token that holds no job cannot grow the metric key dictionary: keys are resolved only
// once the fence holds.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './harness.js';
import { errorCode, LOG_COLUMNS, registerTestAgent, seedJobs } from './agent-fixtures.js';

let t: TestApi;
beforeAll(async () => { t = await startTestApi({ REAPER_INTERVAL_MS: '3600000' }); });
afterAll(async () => { await t.close(); });

it('refuses 500 new keys from a registered agent holding no job, and metric_keys is unchanged', async () => {
  const agent = await registerTestAgent(t);
  const [job] = await seedJobs(t);
  const keysBefore = await t.api.services.pool.query<{ id: number; name: string }>('SELECT id, name FROM metric_keys ORDER BY id');
  const keys = Array.from({ length: 500 }, (_, i) => `attack/key-${i}`);
  const response = await t.gql(LOG_COLUMNS, {
    jobId: job!.jobId, token: '1', batchId: 'b-1',
    columns: { keys, steps: keys.map(() => 1), values: keys.map(() => 0.5) },
  }, { token: agent.token });
  expect(['LEASE_LOST', 'FORBIDDEN', 'CONFLICT']).toContain(errorCode(response));
  const keysAfter = await t.api.services.pool.query<{ id: number; name: string }>('SELECT id, name FROM metric_keys ORDER BY id');
  expect(keysAfter.rows).toEqual(keysBefore.rows);
});

it('bounds the in-memory key cache (an LRU) while every batch still resolves all its keys', async () => {
  const { resolveMetricKeys, cachedMetricKeyCount, METRIC_KEY_CACHE_SIZE } = await import('../src/ingest/metric-keys.js');
  const pool = t.api.services.pool;
  const names = Array.from({ length: METRIC_KEY_CACHE_SIZE + 10 }, (_, i) => `lru/key-${i}`);
  const ids = await resolveMetricKeys(pool, names);
  expect(new Set(ids).size).toBe(names.length);
  expect(cachedMetricKeyCount(pool)).toBe(METRIC_KEY_CACHE_SIZE);
  // An evicted name resolves to the same id again.
  expect(await resolveMetricKeys(pool, [names[0]!])).toEqual([ids[0]]);
});
