// Series rollups, property-style (fast-check, fixed seed) on real PostgreSQL: random histories
// written through logMetrics — batches of random sizes, series with dense runs, strides and long
// gaps, exact replays and overlapping re-sends with other values — then
//   - metric_rollups equals the rollups computed by brute force from the stored points;
//   - metricSeries over random windows (partial edge buckets included) and maxPoints equals the
//     documented rule applied by brute force to the stored points in the window.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLLUP_MAX_LEVEL, ROLLUP_MIN_LEVEL } from '@stratum/db';
import type { TestApi } from './harness.js';
import { claim, LOG_COLUMNS, startAgentApi, seedJobs, type TestAgent } from './agent-fixtures.js';
import { expectedSeries } from './series-rule.js';

let t: TestApi;
let agent: TestAgent;
beforeAll(async () => ({ t, agent } = await startAgentApi()));
afterAll(async () => { await t.close(); });

const SERIES = `query($runIds: [ID!]!, $keys: [String!]!, $blocks: [Int], $fromStep: Int, $toStep: Int, $maxPoints: Int!) {
  metricSeries(runIds: $runIds, keys: $keys, blocks: $blocks, fromStep: $fromStep, toStep: $toStep, maxPoints: $maxPoints) {
    key block downsampled pointCount steps values mins maxs counts } }`;

const TRACKS = [{ key: 'loss', block: null }, { key: 'loss', block: 2 }, { key: 'grad_norm', block: null }] as const;

interface Point { track: number; step: number; value: number }

// A value: any finite double, with −0 folded to 0 (JSON cannot tell them apart).
const value = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 }).map((v) => (v === 0 ? 0 : v));
// A stretch of steps: a gap from the previous stretch (small, medium, or past several buckets of
// the coarsest rollup levels), then `length` steps `stride` apart.
const stretch = fc.record({
  gap: fc.oneof(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1_000, max: 150_000 })),
  length: fc.integer({ min: 1, max: 400 }),
  stride: fc.integer({ min: 1, max: 5 }),
});
const history = fc.record({
  tracks: fc.tuple(...TRACKS.map(() => fc.array(stretch, { minLength: 1, maxLength: 6 }))),
  values: fc.infiniteStream(value),
  cuts: fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 40, maxLength: 40 }),
  // Re-sent batches: [which batch (fraction of the batch count), exact replay or same steps with new values].
  resends: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.boolean()), { maxLength: 6 }),
  windows: fc.array(fc.record({
    from: fc.double({ min: -0.05, max: 1, noNaN: true }),
    length: fc.double({ min: 0, max: 1.05, noNaN: true }),
    maxPoints: fc.oneof(fc.constantFrom(2, 3, 1000), fc.integer({ min: 2, max: 300 })),
  }), { minLength: 12, maxLength: 12 }),
});

type History = typeof history extends fc.Arbitrary<infer H> ? H : never;

/** Every point in arrival order: the tracks interleaved step by step, as a trainer logs them. */
function arrivals(h: History): Point[] {
  const values = h.values[Symbol.iterator]();
  const points: Point[] = [];
  h.tracks.forEach((stretches, track) => {
    let step = -1;
    for (const s of stretches) {
      step += s.gap;
      for (let k = 0; k < s.length; k++, step += s.stride) points.push({ track, step, value: values.next().value as number });
      step -= s.stride;
    }
  });
  return points.sort((a, b) => a.step - b.step || a.track - b.track);
}

function batches(h: History, points: Point[]): Point[][] {
  const out: Point[][] = [];
  for (let i = 0, c = 0; i < points.length; c++) {
    const size = h.cuts[c % h.cuts.length]!;
    out.push(points.slice(i, i + size));
    i += size;
  }
  return out;
}

async function send(jobId: string, token: string, batchId: string, points: Point[]): Promise<{ accepted: number; duplicates: number }> {
  const columns = {
    keys: points.map((p) => TRACKS[p.track]!.key), blocks: points.map((p) => TRACKS[p.track]!.block),
    steps: points.map((p) => p.step), values: points.map((p) => p.value),
  };
  return (await t.ok<{ logMetrics: { accepted: number; duplicates: number } }>(LOG_COLUMNS, { jobId, token, batchId, columns }, { token: agent.token })).logMetrics;
}

/** The stored points of a run per track, in step order. */
async function storedPoints(runId: string): Promise<Array<Array<[number, number]>>> {
  const { rows } = await t.api.services.pool.query<{ key: string; block: number; step: number; value: number }>(
    `SELECT k.name AS key, p.block, p.step, p.value FROM metric_points p JOIN metric_keys k ON k.id = p.key_id WHERE p.run_id = $1 ORDER BY p.step`, [runId]);
  return TRACKS.map((track) => rows.filter((r) => r.key === track.key && r.block === (track.block ?? 0)).map((r) => [r.step, r.value]));
}

/** Rollup rows by brute force: "track level bucket count min max last_step last_value". */
function bruteRollups(points: Array<Array<[number, number]>>): string[] {
  const rows: string[] = [];
  points.forEach((track, t) => {
    for (let level = ROLLUP_MIN_LEVEL; level <= ROLLUP_MAX_LEVEL; level++) {
      const buckets = new Map<number, Array<[number, number]>>();
      for (const p of track) {
        const b = Math.floor(p[0] / 2 ** level);
        if (!buckets.has(b)) buckets.set(b, []);
        buckets.get(b)!.push(p);
      }
      for (const [b, g] of buckets) {
        rows.push([t, level, b, g.length, Math.min(...g.map((p) => p[1])), Math.max(...g.map((p) => p[1])), g.at(-1)![0], g.at(-1)![1]].join(' '));
      }
    }
  });
  return rows.sort();
}

async function storedRollups(runId: string): Promise<string[]> {
  const { rows } = await t.api.services.pool.query<{ key: string; block: number; level: number; bucket: number; count: number; min: number; max: number; last_step: number; last_value: number }>(
    `SELECT k.name AS key, r.block, r.level, r.bucket, r.count, r.min, r.max, r.last_step, r.last_value
     FROM metric_rollups r JOIN metric_keys k ON k.id = r.key_id WHERE r.run_id = $1`, [runId]);
  return rows.map((r) => {
    const track = TRACKS.findIndex((x) => x.key === r.key && (x.block ?? 0) === r.block);
    return [track, r.level, r.bucket, r.count, r.min, r.max, r.last_step, r.last_value].join(' ');
  }).sort();
}

describe('series rollups against brute force', () => {
  it('keep rollups exact under replays and answer random windows like the raw points', async () => {
    await fc.assert(fc.asyncProperty(history, async (h) => {
      await seedJobs(t);
      const job = (await claim(t, agent))!;
      const points = arrivals(h);
      const sent = batches(h, points);
      for (const [i, batch] of sent.entries()) await send(job.jobId, job.fencingToken, `b${i}`, batch);
      for (const [r, [which, exact]] of h.resends.entries()) {
        const batch = sent[Math.floor(which * sent.length)]!;
        // A resumed attempt re-sends the same steps, possibly with other values: first write wins.
        const again = exact ? batch : batch.map((p) => ({ ...p, value: p.value / 2 + 1 }));
        expect(await send(job.jobId, job.fencingToken, `r${r}`, again)).toMatchObject({ accepted: 0, duplicates: batch.length });
      }
      const stored = await storedPoints(job.runId);
      expect(stored.reduce((n, s) => n + s.length, 0)).toBe(points.length);
      expect(await storedRollups(job.runId)).toEqual(bruteRollups(stored));

      const last = Math.max(...points.map((p) => p.step));
      for (const w of h.windows) {
        const fromStep = Math.max(0, Math.round(w.from * last));
        const toStep = Math.max(fromStep, Math.round(fromStep + w.length * last));
        const result = (await t.ok<{ metricSeries: Array<{ key: string; block: number | null; pointCount: number }> }>(
          SERIES, { runIds: [job.runId], keys: ['loss', 'grad_norm'], fromStep, toStep, maxPoints: w.maxPoints }, 'reader')).metricSeries;
        for (const [k, track] of TRACKS.entries()) {
          const got = result.find((s) => s.key === track.key && s.block === track.block);
          const inWindow = stored[k]!.filter(([s]) => s >= fromStep && s <= toStep);
          const want = inWindow.length === 0 ? { pointCount: 0, steps: [] } : { pointCount: inWindow.length, ...expectedSeries(inWindow, w.maxPoints) };
          expect(got, `${track.key}/${track.block} steps ${fromStep}–${toStep} maxPoints ${w.maxPoints}`).toMatchObject(want);
        }
      }
    }), { seed: 20, numRuns: 12 });
  }, 120_000);
});
