import { describe, expect, it } from 'vitest';
import {
  type EvaluationInput,
  METRIC_CONVENTIONS,
  crossValidatedProbe,
  distanceStatistics,
  normStatistics,
  spectrumStatistics,
  ckaMatrices,
  effectiveRank,
  evaluateRepresentations,
  knnAccuracy,
  meanAttentionDistance,
  meanTokenCosineBatch,
  retrieval,
  uniformity,
} from '../src/index.js';
import { randomMatrix } from './helpers.js';

const n = 36;
const digit = Array.from({ length: n }, (_, i) => i % 3);
const speed = Array.from({ length: n }, (_, i) => Math.floor(i / 3) % 2);
const base = randomMatrix(n, 6, 1);
const depth = (k: number): number[][] =>
  base.map((row, i) => row.map((v, j) => v + k * ((j === (digit[i] as number) ? 1 : 0) + 0.3 * ((randomMatrix(n, 6, 10 + k)[i] as number[])[j] as number))));
const grid = { t: 2, h: 2, w: 1 };
const tokens = (k: number): number[][][] => [0, 1, 2].map((c) => randomMatrix(4, 6, 100 * k + c));
const uniformAttention = [Array.from({ length: 4 }, () => [0.25, 0.25, 0.25, 0.25])];

const input: EvaluationInput = {
  dataset: 'moving-mnist-eval',
  depths: [
    { block: 1, pooled: depth(1), tokens: tokens(1), attention: uniformAttention, reconstructionError: [0.1, 0.2, 0.3, 0.4] },
    { block: 2, pooled: depth(2), occludedPooled: depth(0.5) },
    { block: 3, pooled: depth(3) },
    { block: 1, layer: 1, pooled: depth(0.5) },
    { block: 1, layer: 2, pooled: depth(1) },
  ],
  labels: { digit, speed },
  grid,
  patchSize: { t: 2, h: 16, w: 16 },
};

describe('evaluateRepresentations', () => {
  const report = evaluateRepresentations(input, { probe: { seed: 3 }, retrieval: { ks: [1, 5] } });
  const find = (kind: string, metric: string, target: string | null, block: number, layer: number | null = null) =>
    report.metrics.find((m) => m.kind === kind && m.metric === metric && m.target === target && m.block === block && m.layer === layer);

  it('describes the evaluation set', () => {
    expect(report.dataset).toBe('moving-mnist-eval');
    expect(report.samples).toBe(n);
    expect(report.depths.map((d) => d.label)).toEqual(['B1', 'B2', 'B3', 'L1', 'L2']);
    expect(report.targets).toEqual([
      { name: 'digit', classes: 3 },
      { name: 'speed', classes: 2 },
    ]);
  });

  it('reports probe accuracy per (depth, target) with its folds, as crossValidatedProbe computes it', () => {
    for (const [k, block] of [
      [1, 1],
      [3, 3],
    ] as const) {
      const direct = crossValidatedProbe(depth(k), digit, { seed: 3 });
      const row = find('LINEAR_PROBE', 'accuracy', 'digit', block);
      expect(row?.value).toBeCloseTo(direct.mean, 12);
      expect(row?.std).toBeCloseTo(direct.std, 12);
      expect(row?.folds?.length).toBe(3);
    }
    const mean = find('LINEAR_PROBE', 'meanAccuracy', null, 2);
    expect(mean?.value).toBeCloseTo(((find('LINEAR_PROBE', 'accuracy', 'digit', 2)?.value as number) + (find('LINEAR_PROBE', 'accuracy', 'speed', 2)?.value as number)) / 2, 14);
  });

  it('reports retrieval, k-NN and geometry as the standalone functions do', () => {
    const r = retrieval(depth(2), speed, { ks: [1, 5] });
    expect(find('KNN_RETRIEVAL', 'mAP', 'speed', 2)?.value).toBeCloseTo(r.mAP, 14);
    expect(find('KNN_RETRIEVAL', 'hit@5', 'speed', 2)?.value).toBeCloseTo(r.hitRate[5] as number, 14);
    expect(find('KNN_CLASSIFIER', 'accuracy', 'digit', 1, 1)?.value).toBeCloseTo(knnAccuracy(depth(0.5), digit), 14);
    expect(find('GEOMETRY', 'effectiveRank', null, 3)?.value).toBeCloseTo(effectiveRank(depth(3)), 10);
    expect(find('GEOMETRY', 'uniformity', null, 3)?.value).toBeCloseTo(uniformity(depth(3)), 12);
  });

  it('reports block and layer CKA matrices and the consecutive values', () => {
    const blocks = ckaMatrices([depth(1), depth(2), depth(3)]);
    const linear = report.similarity.find((s) => s.kind === 'LINEAR_CKA' && s.scope === 'BLOCK');
    expect(linear?.labels).toEqual(['B1', 'B2', 'B3']);
    linear?.values.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(blocks[0]?.values[i]?.[j] as number, 12)));
    const rbf = report.similarity.find((s) => s.kind === 'RBF_CKA' && s.scope === 'BLOCK');
    expect(rbf?.values[0]?.[2]).toBeCloseTo(blocks[2]?.values[0]?.[2] as number, 12);
    expect(find('CONSECUTIVE_CKA', 'linear', null, 2)?.value).toBeCloseTo(blocks[0]?.values[1]?.[2] as number, 12);
    expect(find('CONSECUTIVE_CKA', 'debiased', null, 1)?.value).toBeCloseTo(blocks[1]?.values[0]?.[1] as number, 12);
    const layers = report.similarity.filter((s) => s.scope === 'LAYER');
    expect(layers.map((s) => s.kind)).toEqual(['LINEAR_CKA', 'DEBIASED_CKA', 'RBF_CKA']);
    expect(layers[0]?.labels).toEqual(['L1', 'L2']);
    expect(find('CONSECUTIVE_CKA', 'linear', null, 1, 1)).toBeDefined();
  });

  it('reports patch diagnostics where their inputs are given', () => {
    expect(report.patches.map((p) => `${p.block}:${p.layer}`)).toEqual(['1:null', '2:null']);
    const [first, second] = report.patches;
    expect(first?.tokenCosine?.mean).toBeCloseTo(meanTokenCosineBatch(tokens(1)).mean, 14);
    expect(first?.tokenCosine?.clips).toBe(3);
    expect(first?.attentionDistance?.spatial).toBeCloseTo(meanAttentionDistance(uniformAttention, grid, { t: 2, h: 16, w: 16 }).spatial, 14);
    expect(first?.reconstructionError?.values).toEqual([0.1, 0.2, 0.3, 0.4]);
    // OccDrop: a probe fitted AND tested on the occluded features, on the same folds as the full one.
    const occ = second?.occlusion?.digit;
    const full = crossValidatedProbe(depth(2), digit, { seed: 3 });
    const occluded = crossValidatedProbe(depth(0.5), digit, { seed: 3 });
    const scoredOnly = crossValidatedProbe(depth(2), digit, { seed: 3, views: { occluded: depth(0.5) } }).views.occluded?.mean as number;
    expect(occ?.accFull).toBeCloseTo(full.mean, 12);
    expect(occ?.accOccluded).toBeCloseTo(occluded.mean, 12);
    expect(occ?.accOccluded).not.toBeCloseTo(scoredOnly, 6);
    expect(occ?.drop).toBeCloseTo((full.mean - occluded.mean) / full.mean, 12);
    // The second target uses the first target's folds.
    const speedFull = crossValidatedProbe(depth(2), speed, { splits: full.splits });
    expect(second?.occlusion?.speed?.accFull).toBeCloseTo(speedFull.mean, 12);
  });

  it('shares the first target\'s folds between targets and reports the overall accuracy (every target right)', () => {
    for (const block of [1, 2, 3]) {
      const x = depth(block);
      const a = crossValidatedProbe(x, digit, { seed: 3 });
      const b = crossValidatedProbe(x, speed, { splits: a.splits });
      expect(find('LINEAR_PROBE', 'accuracy', 'speed', block)?.value).toBeCloseTo(b.mean, 12);
      const perFold = a.splits.map((fold) => fold.test.filter((i) => a.predictions[i] === digit[i] && b.predictions[i] === speed[i]).length / fold.test.length);
      const row = find('LINEAR_PROBE', 'overallAccuracy', null, block);
      expect(row?.folds).toEqual(perFold);
      expect(row?.value).toBeCloseTo(perFold.reduce((s, v) => s + v, 0) / perFold.length, 14);
      expect(row?.value).toBeLessThanOrEqual(Math.min(a.mean, b.mean) + 1e-12);
    }
  });

  it('reports a block boundary that is also a layer\'s output (B1 = L2 here) with the same numbers at both depths', () => {
    const at = (block: number, layer: number | null) =>
      report.metrics.filter((m) => m.block === block && m.layer === layer && m.kind !== 'CONSECUTIVE_CKA').map(({ block: _b, layer: _l, ...rest }) => rest);
    const b1 = at(1, null);
    expect(b1.length).toBeGreaterThan(20);
    expect(at(1, 2)).toEqual(b1);
    // Their token statistics are shared too, when the token tensors hold the same values.
    const withTokens = evaluateRepresentations(
      { ...input, depths: [input.depths[0]!, { block: 1, layer: 2, pooled: depth(1), tokens: tokens(1).map((m) => m.map((r) => [...r])) }] },
      { probe: { seed: 3 }, retrieval: { ks: [1, 5] } },
    );
    const [block, layer] = withTokens.patches;
    expect(layer?.tokenCosine).toEqual(block?.tokenCosine);
    expect(layer?.tokenEffectiveRank).toBe(block?.tokenEffectiveRank);
    expect(layer?.reconstructionError).toBeNull();
  });

  it('averages retrieval over the targets (target null)', () => {
    const a = retrieval(depth(3), digit, { ks: [1, 5] });
    const b = retrieval(depth(3), speed, { ks: [1, 5] });
    expect(find('KNN_RETRIEVAL', 'mAP', null, 3)?.value).toBeCloseTo((a.mAP + b.mAP) / 2, 14);
    expect(find('KNN_RETRIEVAL', 'hit@5', null, 3)?.value).toBeCloseTo(((a.hitRate[5] as number) + (b.hitRate[5] as number)) / 2, 14);
  });

  it('reports the spectrum, norm, cosine and distance statistics, each row naming its convention', () => {
    const s = spectrumStatistics(depth(2));
    const pairs = distanceStatistics(depth(2));
    const expected: Record<string, number> = {
      explainedK90: s.explainedK,
      conditionNumber: s.conditionNumber,
      isotropyRatio: s.isotropyRatio,
      stdCosine: pairs.stdCosine,
      cosineQ05: pairs.cosineQuantiles.q05,
      cosineQ50: pairs.cosineQuantiles.q50,
      cosineQ95: pairs.cosineQuantiles.q95,
      distanceQ05: pairs.distanceQuantiles.q05,
      distanceQ50: pairs.distanceQuantiles.q50,
      distanceQ95: pairs.distanceQuantiles.q95,
      normMin: normStatistics(depth(2)).min,
      normMax: normStatistics(depth(2)).max,
    };
    for (const [metric, value] of Object.entries(expected)) expect(find('GEOMETRY', metric, null, 2)?.value, metric).toBeCloseTo(value, 10);
    for (const m of report.metrics) expect(Object.keys(METRIC_CONVENTIONS)).toContain(m.convention);
    expect(find('KNN_RETRIEVAL', 'mAP', 'digit', 1)?.convention).toBe('paper-retrieval');
    expect(find('GEOMETRY', 'isotropyRatio', null, 1)?.convention).toBe('paper-spectrum');
    expect(find('CONSECUTIVE_CKA', 'rbf', null, 1)?.convention).toBe('paper-rbf-cka');
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report);
  });

  it('refuses inconsistent input', () => {
    expect(() => evaluateRepresentations({ ...input, depths: [] })).toThrow(/no depths/);
    expect(() => evaluateRepresentations({ ...input, depths: [{ block: 1, pooled: depth(1) }, { block: 2, pooled: depth(1).slice(1) }] })).toThrow(/depths\[1\].pooled has 35 clips/);
    expect(() => evaluateRepresentations({ ...input, depths: [{ block: 1, pooled: depth(1) }, { block: 1, pooled: depth(2) }] })).toThrow(/depth B1 is given twice/);
    expect(() => evaluateRepresentations(input, { targets: ['colour'] })).toThrow(/unknown target 'colour'/);
    expect(() => evaluateRepresentations({ ...input, labels: { digit: digit.map(() => 1) } })).toThrow(/labels.digit has a single class/);
    expect(() => evaluateRepresentations({ ...input, grid: undefined })).toThrow(/attention distances need input.grid/);
  });
});
