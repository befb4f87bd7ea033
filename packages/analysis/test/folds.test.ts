import { describe, expect, it } from 'vitest';
import { crossValidatedProbe, fitLogistic, predictLogistic, stratifiedFoldAssignment, stratifiedFolds } from '../src/index.js';
import { randomMatrix } from './helpers.js';

// 7 of class 0, 12 of class 1, 5 of class 2, interleaved irregularly.
const labels = [...Array(7).fill(0), ...Array(12).fill(1), ...Array(5).fill(2)].map((c, i, a) => a[(i * 7) % a.length] as number);

describe('stratifiedFolds', () => {
  it('puts ⌊n_c/k⌋ or ⌈n_c/k⌉ of every class in every fold and fold sizes within one', () => {
    for (const k of [2, 3, 5]) {
      const assignment = stratifiedFoldAssignment(labels, { folds: k, seed: 4 });
      const sizes = new Array<number>(k).fill(0);
      assignment.forEach((f) => (sizes[f] = (sizes[f] as number) + 1));
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      for (const c of [0, 1, 2]) {
        const count = labels.filter((l) => l === c).length;
        for (let f = 0; f < k; f++) {
          const inFold = labels.filter((l, i) => l === c && assignment[i] === f).length;
          expect(inFold).toBeGreaterThanOrEqual(Math.floor(count / k));
          expect(inFold).toBeLessThanOrEqual(Math.ceil(count / k));
        }
      }
    }
  });

  it('partitions the samples: every sample is tested exactly once, never trained on in its fold', () => {
    const folds = stratifiedFolds(labels, { folds: 3, seed: 1 });
    const tested = folds.flatMap((f) => Array.from(f.test)).sort((a, b) => a - b);
    expect(tested).toEqual(labels.map((_, i) => i));
    for (const f of folds) {
      expect(f.train.length + f.test.length).toBe(labels.length);
      const train = new Set(f.train);
      for (const i of f.test) expect(train.has(i)).toBe(false);
    }
  });

  it('is deterministic for a seed and changes with it', () => {
    const a = stratifiedFoldAssignment(labels, { seed: 7 });
    expect(Array.from(stratifiedFoldAssignment(labels, { seed: 7 }))).toEqual(Array.from(a));
    expect(Array.from(stratifiedFoldAssignment(labels, { seed: 8 }))).not.toEqual(Array.from(a));
  });

  it('refuses classes with fewer samples than folds', () => {
    expect(() => stratifiedFolds([0, 0, 0, 1, 1], { folds: 3 })).toThrow(/stratifiedFolds: class 1 has 2 samples; 3-fold stratification needs at least 3 per class/);
    expect(() => stratifiedFolds([0, 1], { folds: 1 })).toThrow(/folds must be an integer ≥ 2/);
  });
});

describe('crossValidatedProbe', () => {
  const noise = randomMatrix(labels.length, 4, 3);
  const x = noise.map((r, i) => r.map((v, j) => v + (j === (labels[i] as number) ? 1.5 : 0)));

  it('reports each fold of a probe fitted on its training part', () => {
    const r = crossValidatedProbe(x, labels, { folds: 3, seed: 2 });
    const folds = stratifiedFolds(labels, { folds: 3, seed: 2 });
    expect(r.folds.length).toBe(3);
    folds.forEach((f, k) => {
      const fit = fitLogistic(Array.from(f.train, (i) => x[i] as number[]), Array.from(f.train, (i) => labels[i] as number), { tolerance: 1e-10 });
      const predicted = predictLogistic(fit.model, Array.from(f.test, (i) => x[i] as number[]));
      const acc = Array.from(f.test).filter((i, p) => predicted[p] === labels[i]).length / f.test.length;
      expect(r.folds[k]).toBeCloseTo(acc, 12);
      expect(r.foldResults[k]?.testSize).toBe(f.test.length);
      expect(r.foldResults[k]?.converged).toBe(true);
    });
    const mean = r.folds.reduce((s, v) => s + v, 0) / 3;
    expect(r.mean).toBeCloseTo(mean, 15);
    expect(r.std).toBeCloseTo(Math.sqrt(r.folds.reduce((s, v) => s + (v - mean) ** 2, 0) / 3), 15);
  });

  it('scores extra views with the same fold models', () => {
    const r = crossValidatedProbe(x, labels, { seed: 2, views: { same: x, shuffled: x.map((_, i) => x[(i + 5) % x.length] as number[]) } });
    expect(r.views.same?.folds).toEqual(r.folds);
    expect(r.views.shuffled?.folds.length).toBe(3);
  });

  it('refuses a single class and mismatched views', () => {
    expect(() => crossValidatedProbe([[1], [2], [3]], [0, 0, 0])).toThrow(/crossValidatedProbe: y has a single class/);
    expect(() => crossValidatedProbe(x, labels, { views: { bad: x.slice(1) } })).toThrow(/views.bad has shape/);
  });
});
