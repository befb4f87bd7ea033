import { describe, expect, it } from 'vitest';
import { knnAccuracy, knnPredict, retrieval } from '../src/index.js';
import { gram, normalizeRows, toMatrix } from '../src/index.js';
import { nearestNeighbours, rankedRetrieval, retrievalForFamilies } from '../src/retrieval.js';
import { randomMatrix } from './helpers.js';

const at = (degrees: number): number[] => [Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180)];

/**
 * Brute force: scikit-learn's average_precision_score per query (precision at each relevant
 * item's score threshold, ties sharing one threshold) and hit@k over all queries, ranking by
 * similarity (desc) then index.
 */
function reference(x: number[][], y: number[], ks: number[]): { mAP: number; hit: Record<number, number> } {
  const unit = x.map((r) => r.map((v) => v / Math.hypot(...r)));
  let ap = 0;
  let queries = 0;
  const hits: Record<number, number> = {};
  ks.forEach((k) => (hits[k] = 0));
  unit.forEach((q, i) => {
    const others = unit.map((r, j) => ({ j, s: r.reduce((t, v, k) => t + v * (q[k] as number), 0) })).filter((o) => o.j !== i);
    others.sort((a, b) => b.s - a.s || a.j - b.j);
    const relevant = others.filter((o) => y[o.j] === y[i]);
    if (relevant.length === 0) return;
    queries++;
    ap += relevant.reduce((t, r) => t + relevant.filter((o) => o.s >= r.s).length / others.filter((o) => o.s >= r.s).length, 0) / relevant.length;
    const first = others.findIndex((o) => y[o.j] === y[i]) + 1;
    ks.forEach((k) => (hits[k] = (hits[k] as number) + (first <= k ? 1 : 0)));
  });
  ks.forEach((k) => (hits[k] = (hits[k] as number) / x.length));
  return { mAP: ap / queries, hit: hits };
}

describe('retrieval', () => {
  it('matches hand-computed AP on a hand-built ranking', () => {
    // Points at 0°, 30°, 100°, 135° with labels 0, 1, 0, 1 (cosine = cos of the angle between):
    //  query 0°:   30° (.87), 100° (−.17), 135° (−.71) → relevant 100° at rank 2: AP ½
    //  query 30°:  0° (.87), 100° (.34), 135° (−.26)  → relevant 135° at rank 3: AP ⅓
    //  query 100°: 135° (.82), 30° (.34), 0° (−.17)   → relevant 0° at rank 3:   AP ⅓
    //  query 135°: 100° (.82), 30° (−.26), 0° (−.71)  → relevant 30° at rank 2:  AP ½
    // mAP = 5/12; hit@1 = 0, hit@2 = ½, hit@3 = 1.
    const x = [at(0), at(30), at(100), at(135)];
    const r = retrieval(x, [0, 1, 0, 1], { ks: [1, 2, 3] });
    expect(r.mAP).toBeCloseTo(5 / 12, 15);
    expect(r.hitRate).toEqual({ 1: 0, 2: 0.5, 3: 1 });
    expect(r.queries).toBe(4);
  });

  it('averages precision over several relevant items; singleton labels skip mAP and miss in hit@k', () => {
    // Points at 0°, 12°, 20°, 50°, 85° with labels 0, 0, 1, 0, 2 (no two candidates equidistant):
    //  query 0°:  12° (rel), 20°, 50° (rel), 85°  → AP = (1/1 + 2/3)/2 = 5/6
    //  query 12°: 20°, 0° (rel), 50° (rel), 85°   → AP = (1/2 + 2/3)/2 = 7/12
    //  query 50°: 20°, 85°, 12° (rel), 0° (rel)   → AP = (1/3 + 2/4)/2 = 5/12
    //  20° and 85° are the only members of their labels: left out of mAP, misses in hit@k.
    // mAP = (5/6 + 7/12 + 5/12)/3 = 11/18; hit@1 = 1/5 (only 0°); hit@2 = 2/5 (0° and 12°).
    const x = [at(0), at(12), at(20), at(50), at(85)];
    const r = retrieval(x, [0, 0, 1, 0, 2], { ks: [1, 2] });
    expect(r.mAP).toBeCloseTo(11 / 18, 15);
    expect(r.hitRate[1]).toBeCloseTo(1 / 5, 15);
    expect(r.hitRate[2]).toBeCloseTo(2 / 5, 15);
    expect(r.queries).toBe(3);
    expect(r.queriesWithoutRelevant).toBe(2);
  });

  it('tied scores form one threshold in AP (scikit-learn); hit@k breaks ties by sample index', () => {
    // Query (1, 0) label 0; candidates (0, 1) and (0, −1) both have cosine 0: one threshold with
    // precision ½, whichever of them is relevant, so AP = ½ both ways.
    const x = [[1, 0], [0, 1], [0, -1]];
    // labels 0, 1, 0: query 2 sees the query point (relevant) at 0 and point 1 at −1: AP 1;
    // query 1 has no relevant item. mAP = (½ + 1)/2. hit@1: query 0's first place is index 1
    // (irrelevant) → miss, query 2 hit, query 1 miss → 1/3.
    const first = retrieval(x, [0, 1, 0], { ks: [1] });
    expect(first.queries).toBe(2);
    expect(first.mAP).toBeCloseTo((0.5 + 1) / 2, 15);
    expect(first.hitRate[1]).toBeCloseTo(1 / 3, 15);
    // labels 0, 0, 1: query 0 still has AP ½ (one tied threshold; index order would say 1);
    // query 1 sees point 0 (relevant) at 0, point 2 at −1: AP 1. hit@1: query 0's first place
    // is now the relevant index 1 → hit, query 1 hit, query 2 miss → 2/3.
    const swapped = retrieval(x, [0, 0, 1], { ks: [1] });
    expect(swapped.mAP).toBeCloseTo((0.5 + 1) / 2, 15);
    expect(swapped.hitRate[1]).toBeCloseTo(2 / 3, 15);
  });

  it('a tie group of relevant and irrelevant items: one precision for all of them', () => {
    // P0 (1, 0) label 0; P1 (0, 1) label 0; P2 (0, 1) label 1 (a duplicate of P1); P3 (−1, 0) label 1.
    //  P0: P1 (0, rel), P2 (0), P3 (−1)      → one threshold at 0 with P = 1/2: AP ½
    //  P1: P2 (1), then P0 (0, rel), P3 (0)  → P = 1/3 at the threshold 0:       AP ⅓
    //  P2: P1 (1), then P0 (0), P3 (0, rel)  → AP ⅓
    //  P3: P1 (0), P2 (0, rel), then P0 (−1) → AP ½
    // mAP = 5/12 (breaking the ties by index instead would give 7/12).
    // hit@1 (ties by index): P0 → P1 hit; P1 → P2 miss; P2 → P1 miss; P3 → P1 miss: ¼.
    // hit@2: P0 hit; P1 → P2, P0 hit; P2 → P1, P0 miss; P3 → P1, P2 hit: ¾.
    const x = [[1, 0], [0, 1], [0, 1], [-1, 0]];
    const r = retrieval(x, [0, 0, 1, 1], { ks: [1, 2] });
    expect(r.mAP).toBeCloseTo(5 / 12, 15);
    expect(r.hitRate).toEqual({ 1: 0.25, 2: 0.75 });
  });

  it('agrees with a brute-force reference on random data', () => {
    const x = randomMatrix(60, 5, 4);
    const y = x.map((_, i) => (i * 7) % 6);
    const r = retrieval(x, y, { ks: [1, 5, 10] });
    const ref = reference(x, y, [1, 5, 10]);
    expect(r.mAP).toBeCloseTo(ref.mAP, 13);
    expect(r.hitRate).toEqual(ref.hit);
  });

  it('several label families at once give the single-family results, exact ties included', () => {
    // Duplicated rows create exact ties between relevant and irrelevant candidates.
    const base = randomMatrix(30, 4, 9);
    const x = [...base, ...base.slice(0, 10)];
    const families = [x.map((_, i) => i % 4), x.map((_, i) => (i * 5) % 7), x.map((_, i) => (i < 20 ? 0 : 1))];
    const cosine = gram(normalizeRows(toMatrix(x))).data;
    const together = retrievalForFamilies(cosine, families.map((y) => Int32Array.from(y)), [1, 3]);
    families.forEach((y, f) => {
      const alone = retrieval(x, y, { ks: [1, 3] });
      const ref = reference(x, y, [1, 3]);
      expect(together[f]?.mAP).toBeCloseTo(alone.mAP, 14);
      expect(together[f]?.mAP).toBeCloseTo(ref.mAP, 14);
      expect(together[f]?.hitRate).toEqual(ref.hit);
    });
  });

  it('ranks similarities that differ below float32 precision exactly, and its neighbours are the k-NN search', () => {
    // Values 1e-12 apart round to one float32; exact duplicates are true ties (index order).
    const n = 48;
    const cosine = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) cosine[i * n + j] = i === j ? 1 : 0.5 + (((i * 31 + j * 17) % 5) - 2) * 1e-12 + ((i + j) % 3 === 0 ? 0.25 : 0);
    const y = Int32Array.from({ length: n }, (_, i) => (i * 7) % 5);
    const ranked = rankedRetrieval(cosine, [y], [1, 3], 6);
    let ap = 0;
    const hits = { 1: 0, 3: 0 };
    for (let q = 0; q < n; q++) {
      const others = Array.from({ length: n }, (_, j) => ({ j, s: cosine[q * n + j] as number })).filter((o) => o.j !== q);
      others.sort((a, b) => b.s - a.s || a.j - b.j);
      const relevant = others.filter((o) => y[o.j] === y[q]);
      ap += relevant.reduce((t, r) => t + relevant.filter((o) => o.s >= r.s).length / others.filter((o) => o.s >= r.s).length, 0) / relevant.length;
      const first = others.findIndex((o) => y[o.j] === y[q]) + 1;
      if (first <= 1) hits[1]++;
      if (first <= 3) hits[3]++;
    }
    expect(ranked.retrieval[0]?.mAP).toBeCloseTo(ap / n, 14);
    expect(ranked.retrieval[0]?.hitRate).toEqual({ 1: hits[1] / n, 3: hits[3] / n });
    const knn = nearestNeighbours(cosine, n, n, 6, true, 'test');
    expect(Array.from(ranked.neighbours?.index ?? [])).toEqual(Array.from(knn.index));
    expect(Array.from(ranked.neighbours?.similarity ?? [])).toEqual(Array.from(knn.similarity));
  });

  it('refuses zero rows, length mismatches and sets without any relevant pair', () => {
    expect(() => retrieval([[0, 0], [1, 0]], [0, 0])).toThrow(/retrieval: features row 0 has zero norm/);
    expect(() => retrieval([[1, 0], [0, 1]], [0])).toThrow(/labels has 1/);
    expect(() => retrieval([[1, 0], [0, 1]], [0, 1])).toThrow(/no query has a relevant item/);
    expect(() => retrieval([[1, 0], [0, 1]], [0, 0], { ks: [0] })).toThrow(/positive integer/);
  });
});

describe('weighted k-NN', () => {
  it('weights votes by exp(sim/τ): one close neighbour beats two farther ones', () => {
    // Query at 0°; class A at 5°, class B at 40° and 45°. With τ = 0.07:
    // A: e^{cos 5°/τ}, B: e^{cos 40°/τ} + e^{cos 45°/τ}; A wins since cos 5° − cos 40° ≫ τ·ln 2.
    const train = [at(5), at(40), at(45)];
    expect(Array.from(knnPredict(train, [0, 1, 1], [at(0)], { k: 3 }))).toEqual([0]);
    // With a large temperature the weights flatten and the majority wins.
    expect(Array.from(knnPredict(train, [0, 1, 1], [at(0)], { k: 3, temperature: 100 }))).toEqual([1]);
    // k = 1 is the nearest neighbour.
    expect(Array.from(knnPredict(train, [0, 1, 1], [at(42)], { k: 1 }))).toEqual([1]);
  });

  it('leave-one-out accuracy equals a brute-force vote', () => {
    const x = randomMatrix(40, 4, 8);
    const y = x.map((r) => ((r[0] as number) > 0 ? 1 : 0) + ((r[1] as number) > 0 ? 2 : 0));
    const unit = x.map((r) => r.map((v) => v / Math.hypot(...r)));
    let correct = 0;
    unit.forEach((q, i) => {
      const nb = unit
        .map((r, j) => ({ j, s: r.reduce((t, v, k) => t + v * (q[k] as number), 0) }))
        .filter((o) => o.j !== i)
        .sort((a, b) => b.s - a.s || a.j - b.j)
        .slice(0, 5);
      const votes = new Map<number, number>();
      for (const o of nb) votes.set(y[o.j] as number, (votes.get(y[o.j] as number) ?? 0) + Math.exp(o.s / 0.07));
      const best = [...votes].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]?.[0];
      if (best === y[i]) correct++;
    });
    expect(knnAccuracy(x, y, { k: 5 })).toBeCloseTo(correct / 40, 15);
  });
});
