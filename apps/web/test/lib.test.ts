import { describe, expect, it } from 'vitest';
import { differingKeys, flatten } from '../src/lib/config-diff';
import { consecutive, difference, meanMatrix } from '../src/lib/matrix';
import { summarize, welchDelta } from '../src/lib/stats';
import { appendLivePoints, parseSeriesQuery, seriesQuery } from '../src/lib/series';
import { fmt, fmtDelta, fmtDuration } from '../src/lib/format';
import { gridTargets, preferredDataset, selectorFor } from '../src/lib/sweep-metrics';
import { byDataset, datasetFamily, describeSeries } from '../src/lib/evaluations';

describe('config diff', () => {
  it('flattens nested objects to dotted paths, arrays as leaves', () => {
    expect([...flatten({ a: { b: 1, c: [1, 2] }, d: 'x' })]).toEqual([['a.b', 1], ['a.c', [1, 2]], ['d', 'x']]);
  });

  it('keeps only differing or missing keys, in path order', () => {
    const rows = differingKeys([
      { regime: 'e2e', blocks: 4, optimizer: { lr: 1e-4, betas: [0.9, 0.95] }, seed: 0 },
      { regime: 'sequential', blocks: 4, optimizer: { lr: 1e-4, betas: [0.9, 0.95] }, seed: 1, extra: true },
    ]);
    expect(rows.map((r) => r.path)).toEqual(['extra', 'regime', 'seed']);
    expect(rows[0]!.values).toEqual([undefined, true]);
  });

  it('treats objects with the same keys in another order as equal', () => {
    expect(differingKeys([{ a: { x: 1, y: 2 } }, { a: { y: 2, x: 1 } }])).toEqual([]);
  });
});

describe('matrices', () => {
  const a = { rowLabels: ['B1', 'B2', 'B3'], colLabels: ['B1', 'B2', 'B3'], values: [1, 0.9, 0.8, 0.9, 1, 0.95, 0.8, 0.95, 1] };
  const b = { ...a, values: [1, 0.98, 0.97, 0.98, 1, 0.99, 0.97, 0.99, 1] };

  it('reads consecutive-block similarity off the first super-diagonal', () => {
    expect(consecutive(a)).toEqual([{ label: 'B1→B2', value: 0.9 }, { label: 'B2→B3', value: 0.95 }]);
  });

  it('subtracts element-wise and refuses different shapes', () => {
    const d = difference(a, b)!;
    expect(d.values[1]).toBeCloseTo(0.9 - 0.98, 12);
    expect(d.values[0]).toBe(0);
    expect(difference(a, { rowLabels: ['B1'], colLabels: ['B1'], values: [1] })).toBeNull();
  });

  it('averages equally shaped matrices', () => {
    expect(meanMatrix([a, b])!.values[1]).toBeCloseTo((0.9 + 0.98) / 2, 12);
  });
});

describe('stats', () => {
  it('computes mean, sample std and a t-based 95% CI', () => {
    // 1, 2, 3: mean 2, s = 1, half-width = 4.303 / sqrt(3)
    const s = summarize([1, 2, 3, null]);
    expect(s.n).toBe(3);
    expect(s.mean).toBe(2);
    expect(s.std).toBeCloseTo(1, 12);
    expect(s.ciHigh! - 2).toBeCloseTo(4.302652730 / Math.sqrt(3), 8); // t(0.975, 2), from a t table
  });

  it('uses the t quantile beyond 30 degrees of freedom too, as the API and `stratum check` do', () => {
    // 41 values: df 40, t(0.975, 40) = 2.021075390 (a t table), not the normal 1.96.
    const values = Array.from({ length: 41 }, (_, i) => i % 2);
    const s = summarize(values);
    expect(s.ciHigh! - s.mean!).toBeCloseTo((2.021075390 * s.std!) / Math.sqrt(41), 8);
  });

  it('has no CI for a single value', () => {
    expect(summarize([0.4])).toEqual({ n: 1, mean: 0.4, std: null, ciLow: null, ciHigh: null });
  });

  it('gives a Welch interval around the difference of means', () => {
    const a = summarize([1, 2, 3]);
    const b = summarize([2, 3, 4]);
    const d = welchDelta(a, b);
    expect(d.delta).toBe(-1);
    // equal variances and n: df = 4, t(0.975, 4) = 2.776445105 from a t table, se = sqrt(2/3)
    expect(d.ciHigh! - d.delta!).toBeCloseTo(2.776445105 * Math.sqrt(2 / 3), 8);
  });
});

describe('series query', () => {
  const id = '0b6f1e3c-1b7a-4c59-9f0e-3d2a1c4b5e6f';

  it('round-trips through the URL', () => {
    const request = { runIds: [id], keys: ['loss'], blocks: [null, 2], fromStep: 10, toStep: 500, maxPoints: 800 };
    expect(parseSeriesQuery(new URLSearchParams(seriesQuery(request)))).toEqual(request);
  });

  it('refuses bad input with a message naming the parameter', () => {
    expect(parseSeriesQuery(new URLSearchParams('run=nope&key=loss'))).toEqual({ error: expect.stringContaining('run') });
    expect(parseSeriesQuery(new URLSearchParams(`run=${id}&key=loss&block=x`))).toEqual({ error: expect.stringContaining('block') });
    expect(parseSeriesQuery(new URLSearchParams(`run=${id}&key=loss&maxPoints=1`))).toEqual({ error: expect.stringContaining('maxPoints') });
  });
});

describe('format', () => {
  it('formats numbers, deltas and durations', () => {
    expect(fmt(0.43219)).toBe('0.432');
    expect(fmt(null)).toBe('—');
    expect(fmtDelta(-0.0234)).toBe('−0.023');
    expect(fmtDelta(0.01)).toBe('+0.010');
    expect(fmtDuration(187)).toBe('3m 07s');
    expect(fmtDuration(3720)).toBe('1h 02m');
  });
});

describe('depth axis', async () => {
  const { depthAxis } = await import('../src/lib/depth-axis');

  it('uses block indices when every item has the same K', () => {
    const axis = depthAxis([{ blocks: 4, layers: 12 }, { blocks: 4, layers: 12 }], [[1, 2, 3, 4], [1, 2, 3, 4]], false);
    expect(axis.categories).toEqual(['B1', 'B2', 'B3', 'B4']);
    expect(axis.index(1, 3)).toBe(2);
  });

  it('aligns K=4 and K=6 by layers completed', () => {
    const axis = depthAxis([{ blocks: 4, layers: 12 }, { blocks: 6, layers: 12 }], [[1, 2, 3, 4], [1, 2, 3, 4, 5, 6]], false);
    expect(axis.categories).toEqual(['L2', 'L3', 'L4', 'L6', 'L8', 'L9', 'L10', 'L12']);
    expect(axis.index(0, 2)).toBe(3); // K=4 block 2 ends at layer 6
    expect(axis.index(1, 3)).toBe(3); // K=6 block 3 ends at layer 6
  });
});

describe('gridTargets', () => {
  it('offers only targets that have the metric the grid reads (not the aggregate "all" of meanAccuracy)', () => {
    const evaluations = [
      { kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'digit' },
      { kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'speed' },
      { kind: 'LINEAR_PROBE', metric: 'meanAccuracy', target: 'all' },
      { kind: 'KNN_RETRIEVAL', metric: 'hit@1', target: 'direction' },
      { kind: 'KNN_RETRIEVAL', metric: 'mAP', target: 'digit' },
      { kind: 'GEOMETRY', metric: 'effectiveRank', target: 'all' },
    ];
    expect(gridTargets(evaluations)).toEqual({ LINEAR_PROBE: ['digit', 'speed'], KNN_RETRIEVAL: ['digit'], GEOMETRY: ['all'] });
  });
});

describe('evaluation sets', () => {
  it('names the target family of each evaluation set and groups rows by set', () => {
    expect(['folder/test', 'gratings/grid', 'double-gratings/grid', 'moving-mnist/test'].map(datasetFamily)).toEqual(['action', 'low-level', 'relational', null]);
    expect(describeSeries({ kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'orientation', dataset: 'gratings/grid', depthUnit: 'BLOCK' })).toBe('probe accuracy · orientation (gratings/grid, low-level)');
    const rows = [{ dataset: 'a', block: 1 }, { dataset: 'b', block: 1 }, { dataset: 'a', block: 2 }];
    expect(byDataset(rows)).toEqual([['a', [rows[0], rows[2]]], ['b', [rows[1]]]]);
  });
});

describe('grid metric selectors over several evaluation sets', () => {
  const evaluations = [
    { kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'temporalFreq', dataset: 'gratings/grid' },
    { kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'temporalFreq', dataset: 'double-gratings/grid' },
    { kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'action', dataset: 'folder/test' },
    { kind: 'KNN_RETRIEVAL', metric: 'mAP', target: 'orientation', dataset: 'gratings/grid' },
  ];
  it('prefers the real videos, else the first set holding the metric and target', () => {
    expect(preferredDataset(evaluations, 'cka', undefined)).toBe('folder/test');
    expect(preferredDataset(evaluations, 'probe', 'temporalFreq')).toBe('double-gratings/grid');
    expect(preferredDataset(evaluations, 'map', undefined)).toBe('gratings/grid');
    expect(preferredDataset([], 'cka', undefined)).toBeUndefined();
  });
  it('passes the chosen set to the API', () => {
    expect(selectorFor('cka', undefined, 'folder/test')).toEqual({ source: 'SIMILARITY', similarity: 'LINEAR_CKA', dataset: 'folder/test' });
    expect(selectorFor('probe', 'action')).toEqual({ source: 'EVALUATION', kind: 'LINEAR_PROBE', key: 'accuracy', target: 'action' });
  });
});

describe('appendLivePoints', () => {
  const run = '11111111-1111-4111-8111-111111111111';
  const base = [{ runId: run, key: 'loss', block: null, points: [[0, 2, 1.5, 2.5], [10, 1, 1, 1]] as Array<[number, number, number, number]>, raw: false }];
  const request = { runIds: [run], keys: ['loss'], blocks: [] };

  it('appends newer points of the asked keys as raw points, and opens series for new blocks', () => {
    const next = appendLivePoints(base, request, run, [
      { key: 'loss', block: null, step: 12, value: 0.9 }, { key: 'lr', block: null, step: 12, value: 1e-4 },
      { key: 'loss', block: 2, step: 12, value: 0.8 }, { key: 'loss', block: null, step: 11, value: 0.95 },
    ]);
    expect(next[0]!.points).toEqual([[0, 2, 1.5, 2.5], [10, 1, 1, 1], [11, 0.95, 0.95, 0.95], [12, 0.9, 0.9, 0.9]]);
    expect(next[1]).toEqual({ runId: run, key: 'loss', block: 2, points: [[12, 0.8, 0.8, 0.8]], raw: true });
    expect(base[0]!.points).toHaveLength(2); // the previous state is not mutated
  });

  it('ignores other runs, other blocks, and steps already shown', () => {
    expect(appendLivePoints(base, request, '22222222-2222-4222-8222-222222222222', [{ key: 'loss', block: null, step: 99, value: 1 }])).toBe(base);
    expect(appendLivePoints(base, { ...request, blocks: [null] }, run, [{ key: 'loss', block: 3, step: 99, value: 1 }])).toBe(base);
    expect(appendLivePoints(base, request, run, [{ key: 'loss', block: null, step: 10, value: 7 }])).toBe(base);
  });
});
