// The series pager behind StratumClient.series(): every raw point of the selected series,
// walked in step windows sized so that no request returns more than a page of points.
import { StratumError } from './errors.js';
import type { StratumClient } from './client.js';
import { SeriesWindowDocument } from '../generated/graphql.js';

/** A run of raw points of one series (run, key, block), in step order. */
export interface SeriesChunk {
  runId: string;
  key: string;
  /** Encoder block, or null for the whole model. */
  block: number | null;
  steps: number[];
  values: number[];
}

export interface SeriesOptions {
  runIds: readonly string[];
  /** Metric keys to read; omitted: every key the runs have logged. */
  keys?: readonly string[];
  /** Blocks to read (null = whole model); omitted: every block logged for each key. */
  blocks?: ReadonlyArray<number | null>;
  fromStep?: number;
  toStep?: number;
  /** Points per request at most (2..100,000; default 10,000): the memory bound of the iterator. */
  pagePoints?: number;
  signal?: AbortSignal;
  /** Called after each page with the steps covered so far and in total (for progress bars). */
  onProgress?: (covered: number, total: number) => void;
}

/**
 * Every raw point of the selected series, as chunks in (run, key, block, step) order, paged by
 * step windows so that no request returns more than `pagePoints` points: a window of w steps
 * holds at most w points of a series, so windows start at pagePoints steps (never downsampled)
 * and grow while the series is sparser than that.
 */
export async function* pageSeries(client: Pick<StratumClient, 'metricKeys' | 'request'>, options: SeriesOptions): AsyncGenerator<SeriesChunk, void, undefined> {
  const budget = Math.max(2, Math.min(100_000, Math.floor(options.pagePoints ?? 10_000)));
  const request = options.signal ? { signal: options.signal } : {};
  const order = new Map(options.runIds.map((id, index) => [id, index]));
  const wantedKeys = options.keys ? new Set(options.keys) : null;
  const wantedBlocks = options.blocks ? new Set(options.blocks) : null;
  const from = options.fromStep ?? 0;
  const to = options.toStep ?? Number.MAX_SAFE_INTEGER;
  const extents = (await client.metricKeys(options.runIds, request))
    .filter((info) => (!wantedKeys || wantedKeys.has(info.key)) && (!wantedBlocks || wantedBlocks.has(info.block)))
    .map((info) => ({ ...info, lo: Math.max(info.firstStep, from), hi: Math.min(info.lastStep, to) }))
    .filter((info) => info.lo <= info.hi)
    .sort((a, b) => (order.get(a.runId) ?? 0) - (order.get(b.runId) ?? 0) || cmp(a.key, b.key) || (a.block ?? -1) - (b.block ?? -1));
  const total = extents.reduce((sum, info) => sum + (info.hi - info.lo + 1), 0);
  let covered = 0;

  // Group the blocks of one (run, key): small groups go in one request, big series alone.
  let index = 0;
  while (index < extents.length) {
    const first = extents[index] as (typeof extents)[number];
    const group = [first];
    let span = first.hi - first.lo + 1;
    while (index + group.length < extents.length) {
      const next = extents[index + group.length] as (typeof extents)[number];
      const nextSpan = next.hi - next.lo + 1;
      if (next.runId !== first.runId || next.key !== first.key || span + nextSpan > budget) break;
      group.push(next);
      span += nextSpan;
    }
    index += group.length;

    if (span <= budget) {
      const lo = Math.min(...group.map((g) => g.lo));
      const hi = Math.max(...group.map((g) => g.hi));
      const maxSpan = Math.max(...group.map((g) => g.hi - g.lo + 1));
      const page = await client.request(SeriesWindowDocument, {
        runIds: [first.runId], keys: [first.key], blocks: group.map((g) => g.block), fromStep: lo, toStep: hi, maxPoints: Math.max(2, maxSpan),
      }, request);
      const byBlock = new Map(page.metricSeries.map((s) => [s.block, s]));
      for (const g of group) {
        const s = byBlock.get(g.block);
        if (s?.downsampled) throw new StratumError('INTERNAL_SERVER_ERROR', `the API downsampled ${g.key} of run ${g.runId} although the window holds at most ${maxSpan} points`);
        const chunk = s ? clip(s, g.lo, g.hi) : null;
        if (chunk && chunk.steps.length > 0) yield chunk;
      }
      covered += span;
      options.onProgress?.(covered, total);
      continue;
    }

    for (const g of group) {
      let width = budget;
      let start = g.lo;
      while (start <= g.hi) {
        const end = Math.min(g.hi, start + width - 1);
        const page = await client.request(SeriesWindowDocument, {
          runIds: [g.runId], keys: [g.key], blocks: [g.block], fromStep: start, toStep: end, maxPoints: budget,
        }, request);
        const s = page.metricSeries[0];
        if (s?.downsampled) {
          width = Math.max(budget, Math.floor(width / 2)); // grew too far: retry a narrower window
          continue;
        }
        if (s && s.steps.length > 0) yield { runId: g.runId, key: g.key, block: g.block, steps: s.steps, values: s.values };
        covered += end - start + 1;
        options.onProgress?.(covered, total);
        start = end + 1;
        if ((s?.pointCount ?? 0) < budget / 4) width = Math.min(width * 2, 1_000_000_000);
      }
    }
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function clip(series: { runId: string; key: string; block: number | null; steps: number[]; values: number[] }, lo: number, hi: number): SeriesChunk {
  const steps: number[] = [];
  const values: number[] = [];
  series.steps.forEach((step, i) => {
    if (step >= lo && step <= hi) {
      steps.push(step);
      values.push(series.values[i] as number);
    }
  });
  return { runId: series.runId, key: series.key, block: series.block, steps, values };
}
