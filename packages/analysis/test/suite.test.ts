import { describe, expect, it } from 'vitest';
import {
  type EvaluationInput,
  crossValidatedProbe,
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
    const occ = second?.occlusion?.digit;
    const direct = crossValidatedProbe(depth(2), digit, { seed: 3, views: { occluded: depth(0.5) } });
    expect(occ?.accOccluded).toBeCloseTo(direct.views.occluded?.mean as number, 12);
    expect(occ?.drop).toBeCloseTo((direct.mean - (direct.views.occluded?.mean as number)) / direct.mean, 12);
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
