import { describe, expect, it } from 'vitest';
import { apiOrder, parseConfigFilter, runsQueryState } from '../src/lib/runs-filter';
import { columnId, columnOptions, columnsFromParams, finalValue, sortByColumn } from '../src/lib/run-columns';
import { compareHrefWithout, parseCompareItems } from '../src/lib/compare-items';
import { withParams } from '../src/lib/params';

const SWEEP = '3f1c2a9e-5b7d-4c1e-8a2f-6d9b0e4c7a11';
const RUN = '0b6f1e3c-1b7a-4c59-9f0e-3d2a1c4b5e6f';

describe('runs table URL state', () => {
  it('maps factors, statuses, tags and config filters to the API filter', () => {
    const state = runsQueryState({ sweep: SWEEP, size: 'tiny,small', k: ['4', '6'], mode: 'e2e', status: 'failed', tag: 'bwssl', cfg: 'optimizer.lr=0.0001', q: 'k4' });
    expect(state.problems).toEqual([]);
    expect(state.filter).toEqual({
      sweepId: SWEEP, modelSize: ['tiny', 'small'], blocks: [4, 6], mode: ['E2E'], status: ['FAILED'], tags: ['bwssl'],
      config: [{ path: 'optimizer.lr', equals: 0.0001 }], nameContains: 'k4',
    });
  });

  it('reports bad values instead of dropping them silently', () => {
    const state = runsQueryState({ k: 'four', status: 'DONE', seed: '99999999999', cfg: 'no-equals-sign' });
    expect(state.problems.join(' ')).toMatch(/k: "four"/);
    expect(state.problems.join(' ')).toMatch(/status: unknown DONE/);
    expect(state.problems.join(' ')).toMatch(/seed: "99999999999"/);
    expect(state.problems.join(' ')).toMatch(/cfg/);
  });

  it('parses config values as JSON when they are JSON, else as strings', () => {
    expect(parseConfigFilter('regime=sequential')).toEqual({ path: 'regime', equals: 'sequential' });
    expect(parseConfigFilter('optimizer.betas=[0.9,0.95]')).toEqual({ path: 'optimizer.betas', equals: [0.9, 0.95] });
    expect(parseConfigFilter('=1')).toBeNull();
  });

  it('sorts on the server only by what the API can order by', () => {
    expect(apiOrder(runsQueryState({ sort: 'name', dir: 'asc' }))).toEqual({ field: 'NAME', direction: 'ASC' });
    // Factor sorts fetch newest first; the table sorts once every page is loaded.
    expect(apiOrder(runsQueryState({ sort: 'blocks', dir: 'asc' }))).toEqual({ field: 'CREATED_AT', direction: 'DESC' });
  });
});

describe('compare URL state', () => {
  it('reads runs and grid cells, drops duplicates and refuses malformed ones', () => {
    const { items, problems } = parseCompareItems({ run: [RUN, RUN, 'x'], cell: [`${SWEEP}:small:4:E2E`, `${SWEEP}:small:4:BOGUS`] });
    expect(items).toEqual([{ type: 'run', id: RUN }, { type: 'cell', sweepId: SWEEP, modelSize: 'small', blocks: 4, mode: 'E2E' }]);
    expect(problems).toHaveLength(2);
  });

  it('keeps at most six items', () => {
    const cells = [4, 6].flatMap((k) => ['E2E', 'BLOCKWISE_SIMULTANEOUS', 'BLOCKWISE_SEQUENTIAL'].map((m) => `${SWEEP}:tiny:${k}:${m}`));
    const { items, problems } = parseCompareItems({ run: RUN, cell: cells });
    expect(items).toHaveLength(6);
    expect(problems[0]).toMatch(/at most 6/);
  });

  it('builds the link that removes one item and keeps the rest of the state', () => {
    const { items } = parseCompareItems({ run: RUN, cell: `${SWEEP}:small:4:E2E` });
    const href = compareHrefWithout(items, 0, 'metric=map');
    expect(new URL(href, 'http://x').searchParams.getAll('cell')).toEqual([`${SWEEP}:small:4:E2E`]);
    expect(new URL(href, 'http://x').searchParams.get('metric')).toBe('map');
    expect(new URL(href, 'http://x').searchParams.getAll('run')).toEqual([]);
  });

  it('replaces parameters in a query string', () => {
    expect(withParams({ a: '1', b: ['2', '3'], c: undefined }, { b: 'x', d: 4, a: undefined })).toBe('?b=x&d=4');
  });
});

describe('runs table metric columns', () => {
  const rows = [
    { kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'digit', dataset: 'gratings/test', depthUnit: 'BLOCK', depth: 3, step: 100, value: 0.9 },
    { kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'digit', dataset: 'folder/test', depthUnit: 'BLOCK', depth: 2, step: 100, value: 0.4 },
    { kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'digit', dataset: 'folder/test', depthUnit: 'BLOCK', depth: 3, step: 100, value: 0.5 },
    { kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'digit', dataset: 'folder/test', depthUnit: 'BLOCK', depth: 3, step: 50, value: 0.3 },
    { kind: 'LINEAR_PROBE', metric: 'accuracy_chance', target: 'digit', dataset: 'folder/test', depthUnit: 'BLOCK', depth: 3, step: 100, value: 0.1 },
  ];

  it('reads columns from the URL in order, without repeats, and says which are malformed', () => {
    const { columns, problems } = columnsFromParams({ col: ['LINEAR_PROBE:accuracy:digit', 'KNN_RETRIEVAL:mAP:all', 'LINEAR_PROBE:accuracy:digit', 'BOGUS:x:y', 'LINEAR_PROBE:accuracy'] });
    expect(columns.map(columnId)).toEqual(['LINEAR_PROBE:accuracy:digit', 'KNN_RETRIEVAL:mAP:all']);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/col: "BOGUS:x:y"/);
  });

  it('keeps a sort by a shown column, and falls back when the column is not shown', () => {
    expect(runsQueryState({ col: 'LINEAR_PROBE:accuracy:digit', sort: 'col:LINEAR_PROBE:accuracy:digit', dir: 'desc' }).sort).toBe('col:LINEAR_PROBE:accuracy:digit');
    expect(runsQueryState({ sort: 'col:LINEAR_PROBE:accuracy:digit' }).sort).toBe('createdAt');
    expect(apiOrder(runsQueryState({ col: 'LINEAR_PROBE:accuracy:digit', sort: 'col:LINEAR_PROBE:accuracy:digit' }))).toEqual({ field: 'CREATED_AT', direction: 'DESC' });
  });

  it('reads the final value: latest step, deepest block, real videos first', () => {
    expect(finalValue(rows, { kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'digit' })).toBe(0.5);
    expect(finalValue(rows.filter((r) => r.dataset === 'gratings/test'), { kind: 'LINEAR_PROBE', metric: 'accuracy', target: 'digit' })).toBe(0.9);
    expect(finalValue(rows, { kind: 'KNN_RETRIEVAL', metric: 'mAP', target: 'digit' })).toBeNull();
  });

  it('offers every reported metric but the chance levels, and sorts runs without a value last', () => {
    expect(columnOptions(rows).map(columnId)).toEqual(['LINEAR_PROBE:accuracy:digit']);
    const runs = [
      { id: 'a', createdAt: '2026-01-01', metrics: { m: 0.2 } },
      { id: 'b', createdAt: '2026-01-02', metrics: { m: null } },
      { id: 'c', createdAt: '2026-01-03', metrics: { m: 0.7 } },
    ];
    expect(sortByColumn(runs, 'm', 'asc').map((r) => r.id)).toEqual(['a', 'c', 'b']);
    expect(sortByColumn(runs, 'm', 'desc').map((r) => r.id)).toEqual(['c', 'a', 'b']);
  });
});
