import { describe, expect, it } from 'vitest';
import { describeCandidate, outcomesFromReport, parseCandidate, ruleToInput } from '../src/check/outcomes.js';
import type { RegressionReport } from '../src/sdk/client.js';
import { configFilter } from '../src/cli/commands/runs.js';
import { describeProgress } from '../src/cli/commands/sweep.js';
import { parseRule } from '../src/check/rules.js';

const ID1 = '3f1c2a9e-1111-4222-8333-444455556666';
const ID2 = '9a2e2a9e-1111-4222-8333-444455556666';

describe('ruleToInput', () => {
  it('maps each metric to the API selector', () => {
    expect(ruleToInput(parseRule('probe_acc@final:block=last:target=action:max_drop=0.02'))).toEqual({
      name: 'probe_acc@final:block=last:target=action:max_drop=0.02',
      metric: { source: 'EVALUATION', kind: 'LINEAR_PROBE', key: 'accuracy', depthUnit: 'BLOCK', target: 'action' },
      block: null, at: null, direction: 'HIGHER_IS_BETTER', maxDrop: 0.02, relative: false, perCell: true,
    });
    expect(ruleToInput(parseRule('hit@5@300:block=2:max_rel_drop=5%'), { perCell: false })).toMatchObject({
      metric: { source: 'EVALUATION', kind: 'KNN_RETRIEVAL', key: 'hit@5' }, block: 2, at: 300, maxDrop: 0.05, relative: true, perCell: false,
    });
    expect(ruleToInput(parseRule('map:block=model:max_drop=0.01')).metric).toMatchObject({ kind: 'KNN_RETRIEVAL', key: 'mAP', depthUnit: 'MODEL' });
    expect(ruleToInput(parseRule('map:block=model:max_drop=0.01')).block).toBe(0);
    expect(ruleToInput(parseRule('knn_acc:max_drop=0.01')).metric).toMatchObject({ kind: 'KNN_ACCURACY', key: 'accuracy' });
    expect(ruleToInput(parseRule('loss:block=model:max_rel_drop=0.1'))).toMatchObject({ metric: { source: 'TRAINING', key: 'loss' }, block: 0, direction: 'LOWER_IS_BETTER' });
    expect(ruleToInput(parseRule('cka:dataset=gratings:max_drop=0.05')).metric).toEqual({ source: 'SIMILARITY', similarity: 'LINEAR_CKA', dataset: 'gratings' });
  });
});

describe('parseCandidate', () => {
  it('reads prefixes, bare run ids and bare sweep names', () => {
    expect(parseCandidate('sweep:pr-12')).toEqual({ kind: 'sweep', ref: 'pr-12' });
    expect(parseCandidate('tag:nightly')).toEqual({ kind: 'tag', tag: 'nightly' });
    expect(parseCandidate(`runs:${ID1},${ID2}`)).toEqual({ kind: 'runs', ids: [ID1, ID2] });
    expect(parseCandidate(`${ID1}, ${ID2}`)).toEqual({ kind: 'runs', ids: [ID1, ID2] });
    expect(parseCandidate('pr-12')).toEqual({ kind: 'sweep', ref: 'pr-12' });
    // Run names, `sweep/run` names and id prefixes are resolved against the API later.
    expect(parseCandidate('runs:abc,grid/e2e-s0')).toEqual({ kind: 'runs', ids: ['abc', 'grid/e2e-s0'] });
    expect(() => parseCandidate('runs:,')).toThrow(/nothing after the prefix/);
    expect(() => parseCandidate('tag:')).toThrow(/nothing after the prefix/);
    expect(describeCandidate({ kind: 'runs', ids: [ID1] })).toBe(`run ${ID1}`);
  });
});

describe('outcomesFromReport', () => {
  it('orders by rule, names cells, and keeps the API numbers', () => {
    const verdict = (ruleIndex: number, cell: { modelSize: string; blocks: number; mode: 'E2E' } | null, v: 'PASS' | 'FAIL') => ({
      ruleIndex, rule: `api-${ruleIndex}`, block: null, cell, verdict: v, message: v === 'FAIL' ? 'worse by 0.1' : '',
      candidateN: 3, baselineN: 3, candidateMean: 0.4, baselineMean: 0.5, candidateStd: 0.01, baselineStd: 0.01,
      delta: -0.1, ciLow: -0.12, ciHigh: -0.08, drop: 0.1, allowedDrop: 0.02,
      metric: { source: 'EVALUATION' as const, key: 'accuracy', kind: null, target: null, dataset: null, split: null, depthUnit: null, similarity: null },
    });
    const report = { id: 'r', baselineName: 'main', passed: false, failed: 1, insufficient: 0, createdAt: '', verdicts: [verdict(1, null, 'PASS'), verdict(0, { modelSize: 'nano', blocks: 2, mode: 'E2E' }, 'FAIL')] } as RegressionReport;
    const rules = [parseRule('map:max_drop=0.02'), parseRule('loss:max_drop=1')];
    expect(outcomesFromReport(report, rules)).toEqual([
      { rule: 'map:max_drop=0.02 [nano K=2 E2E]', verdict: 'FAIL', baselineMean: 0.5, candidateMean: 0.4, delta: -0.1, ciLow: -0.12, ciHigh: -0.08, baselineN: 3, candidateN: 3, reason: 'worse by 0.1' },
      { rule: 'loss:max_drop=1', verdict: 'PASS', baselineMean: 0.5, candidateMean: 0.4, delta: -0.1, ciLow: -0.12, ciHigh: -0.08, baselineN: 3, candidateN: 3, reason: null },
    ]);
  });
});

describe('CLI helpers', () => {
  it('configFilter parses JSON values and keeps other text as strings', () => {
    expect(configFilter('optimizer.lr=0.001')).toEqual({ path: 'optimizer.lr', equals: 0.001 });
    expect(configFilter('regime=sequential')).toEqual({ path: 'regime', equals: 'sequential' });
    expect(configFilter('model.tubelet=[8,4,4]')).toEqual({ path: 'model.tubelet', equals: [8, 4, 4] });
    expect(() => configFilter('=1')).toThrow(/path=value/);
  });

  it('describeProgress reads an agent heartbeat', () => {
    expect(describeProgress({ step: 120, totalSteps: 300, phase: 'train' })).toBe('120/300 (40%) train');
    expect(describeProgress({ step: 7 })).toBe('step 7');
    expect(describeProgress(null)).toBe('');
  });
});
