import { describe, expect, it } from 'vitest';
import { knnAccuracy, knnPredict, retrieval } from '../src/index.js';
import { gram, normalizeRows, toMatrix } from '../src/index.js';
import { retrievalForFamilies } from '../src/retrieval.js';
import { randomMatrix } from './helpers.js';

const at = (degrees: number): number[] => [Math.cos((degrees * Math.PI) / 180), Math.sin((degrees * Math.PI) / 180)];

/** Brute force: stable sort by similarity (desc), then the textbook AP and hit@k. */
function reference(x: number[][], y: number[], ks: number[]): { mAP: number; hit: Record<number, number> } {
  const unit = x.map((r) => r.map((v) => v / Math.hypot(...r)));
  let ap = 0;
  let queries = 0;
  const hits: Record<number, number> = {};
  ks.forEach((k) => (hits[k] = 0));
  unit.forEach((q, i) => {
    const others = unit.map((r, j) => ({ j, s: r.reduce((t, v, k) => t + v * (q[k] as number), 0) })).filter((o) => o.j !== i);
    others.sort((a, b) => b.s - a.s || a.j - b.j);
    const relevantRanks = others.flatMap((o, p) => (y[o.j] === y[i] ? [p + 1] : []));
    if (relevantRanks.length === 0) return;
    queries++;
    ap += relevantRanks.reduce((t, r, m) => t + (m + 1) / r, 0) / relevantRanks.length;
    ks.forEach((k) => (hits[k] = (hits[k] as number) + ((relevantRanks[0] as number) <= k ? 1 : 0)));
  });
  ks.forEach((k) => (hits[k] = (hits[k] as number) / queries));
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

  it('averages precision over several relevant items and skips singleton labels', () => {
    // Points at 0°, 12°, 20°, 50°, 85° with labels 0, 0, 1, 0, 2 (no two candidates equidistant):
    //  query 0°:  12° (rel), 20°, 50° (rel), 85°  → AP = (1/1 + 2/3)/2 = 5/6
    //  query 12°: 20°, 0° (rel), 50° (rel), 85°   → AP = (1/2 + 2/3)/2 = 7/12
    //  query 50°: 20°, 85°, 12° (rel), 0° (rel)   → AP = (1/3 + 2/4)/2 = 5/12
    //  20° and 85° are the only members of their labels: left out.
    // mAP = (5/6 + 7/12 + 5/12)/3 = 11/18; hit@1 = 1/3; hit@2 = 2/3.
    const x = [at(0), at(12), at(20), at(50), at(85)];
    const r = retrieval(x, [0, 0, 1, 0, 2], { ks: [1, 2] });
    expect(r.mAP).toBeCloseTo(11 / 18, 15);
    expect(r.hitRate[1]).toBeCloseTo(1 / 3, 15);
    expect(r.hitRate[2]).toBeCloseTo(2 / 3, 15);
    expect(r.queries).toBe(3);
    expect(r.queriesWithoutRelevant).toBe(2);
  });

  it('breaks exact ties by sample index', () => {
    // Query (1, 0) label 0; candidates (0, 1) label 1 and (0, −1) label 0 both have cosine 0.
    // Index order puts the irrelevant one (index 1) first: the relevant item is at rank 2, AP ½.
    // Swapping the two candidates' labels moves the relevant one to rank 1.
    const x = [[1, 0], [0, 1], [0, -1]];
    // The other query with a relevant item, (0, −1) resp. (0, 1), sees the query point at cosine 0
    // and the remaining point at −1: relevant first, AP 1.
    const first = retrieval(x, [0, 1, 0], { ks: [1] });
    const swapped = retrieval(x, [0, 0, 1], { ks: [1] });
    expect(first.queries).toBe(2);
    expect(first.mAP).toBeCloseTo((0.5 + 1) / 2, 15);
    expect(swapped.mAP).toBeCloseTo((1 + 1) / 2, 15);
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
