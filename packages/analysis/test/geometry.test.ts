import { describe, expect, it } from 'vitest';
import {
  covarianceEigenvalues,
  distanceStatistics,
  effectiveRank,
  isotropyRatio,
  normStatistics,
  participationRatio,
  spectrumStatistics,
  symmetricEigenvalues,
  uniformity,
} from '../src/index.js';
import { centre, mul, randomMatrix, transposeArrays } from './helpers.js';

describe('covariance spectrum summaries', () => {
  it('isotropic data: effective rank = participation ratio = d, isotropy 1', () => {
    // Rows ±e_i: mean 0, covariance 2/(2d − 1)·I exactly.
    const d = 6;
    const x = [...Array.from({ length: d }, (_, i) => Array.from({ length: d }, (__, j) => (i === j ? 1 : 0))), ...Array.from({ length: d }, (_, i) => Array.from({ length: d }, (__, j) => (i === j ? -1 : 0)))];
    expect(effectiveRank(x)).toBeCloseTo(d, 12);
    expect(participationRatio(x)).toBeCloseTo(d, 12);
    expect(isotropyRatio(x)).toBeCloseTo(1, 12);
    expect(covarianceEigenvalues(x)[0]).toBeCloseTo(2 / (2 * d - 1), 14);
  });

  it('rank-1 data: effective rank = participation ratio = 1, isotropy = min(n, d), explained-k 1', () => {
    const v = [1, -2, 0.5, 3];
    const x = [0.3, -1.2, 2, 0.7, -0.1].map((t) => v.map((c) => t * c + 5));
    expect(effectiveRank(x)).toBeCloseTo(1, 10);
    expect(participationRatio(x)).toBeCloseTo(1, 12);
    // n = 5, d = 4: m = 4 eigenvalues (λ, 0, 0, 0), λ_max / mean = 4.
    expect(isotropyRatio(x)).toBeCloseTo(4, 10);
    const s = spectrumStatistics(x);
    expect(s.eigenvalues.length).toBe(4);
    expect(s.explainedK).toBe(1);
    // λ_min = 0 (clipped rounding), so the condition number is λ_max / 1e-12.
    expect(s.conditionNumber).toBeCloseTo((s.eigenvalues[0] as number) / 1e-12, 0);
  });

  it('isotropy counts min(n, d) eigenvalues: n < d uses n of them', () => {
    // Rows (±a, 0, 0, 0, 0, 0), (0, ±b, 0, 0, 0, 0): n = 4, d = 6, covariance eigenvalues 3, 1 and
    // zeros. min(n, d) = 4 values (3, 1, 0, 0): isotropy = 3 / (4/4) = 3 (mean over d would give 3/(4/6) = 4.5).
    const a = Math.sqrt(4.5);
    const b = Math.sqrt(1.5);
    const x = [[a, 0], [-a, 0], [0, b], [0, -b]].map((r) => [...r, 0, 0, 0, 0]);
    const s = spectrumStatistics(x);
    expect(s.eigenvalues.length).toBe(4);
    expect(s.isotropyRatio).toBeCloseTo(3, 12);
    // Cumulative 3, 4 of a total 4: 0.9·4 = 3.6 is first reached at k = 2.
    expect(s.explainedK).toBe(2);
    expect(s.conditionNumber).toBeCloseTo(3 / 1e-12, 0);
    expect(spectrumStatistics(x, { explainedVariance: 0.75 }).explainedK).toBe(1);
    expect(() => spectrumStatistics(x, { explainedVariance: 0 })).toThrow(/explainedVariance must lie in \(0, 1\]/);
  });

  it('a hand-built spectrum: covariance eigenvalues (3, 1)', () => {
    // Rows (±a, 0), (0, ±b): XᵀX = diag(2a², 2b²), covariance = XᵀX/3 = diag(3, 1) for a² = 4.5, b² = 1.5.
    const a = Math.sqrt(4.5);
    const b = Math.sqrt(1.5);
    const x = [[a, 0], [-a, 0], [0, b], [0, -b]];
    const ev = covarianceEigenvalues(x);
    expect(ev[0]).toBeCloseTo(3, 14);
    expect(ev[1]).toBeCloseTo(1, 14);
    const s = spectrumStatistics(x);
    // p = (3/4, 1/4): exp(−¾ ln ¾ − ¼ ln ¼); PR = 4²/(9 + 1) = 1.6; isotropy = max 3 / mean 2;
    // explained-k@90%: 3 < 3.6 ≤ 4, so k = 2; condition number 3 / 1.
    expect(s.effectiveRank).toBeCloseTo(Math.exp(-0.75 * Math.log(0.75) - 0.25 * Math.log(0.25)), 14);
    expect(s.participationRatio).toBeCloseTo(1.6, 14);
    expect(s.isotropyRatio).toBeCloseTo(1.5, 14);
    expect(s.explainedK).toBe(2);
    expect(s.conditionNumber).toBeCloseTo(3, 13);
  });

  it('uses the Gram matrix when n < d and agrees with the direct covariance', () => {
    for (const [n, d] of [
      [5, 12],
      [15, 4],
    ] as const) {
      const x = randomMatrix(n, d, n * d);
      const xc = centre(x);
      const cov = mul(transposeArrays(xc), xc).map((row) => row.map((v) => v / (n - 1)));
      const direct = Array.from(symmetricEigenvalues(cov)).reverse();
      const ev = covarianceEigenvalues(x);
      expect(ev.length).toBe(Math.min(n, d));
      direct.slice(0, Math.min(n, d)).forEach((v, i) => expect(ev[i]).toBeCloseTo(Math.max(0, v), 10));
    }
  });

  it('uncentred: eigenvalues of XᵀX/n', () => {
    const x = [[1, 0], [1, 0], [0, 2]];
    const ev = covarianceEigenvalues(x, { center: false });
    expect(ev[0]).toBeCloseTo(4 / 3, 14);
    expect(ev[1]).toBeCloseTo(2 / 3, 14);
  });

  it('refuses constant features', () => {
    expect(() => effectiveRank([[1, 2], [1, 2], [1, 2]])).toThrow(/effectiveRank: the features have zero variance/);
    expect(() => participationRatio([[1, 2]])).toThrow(/at least 2 samples/);
  });
});

describe('uniformity', () => {
  it('equals log mean_{i<j} exp(−2‖u_i − u_j‖²) of the normalised rows', () => {
    const x = randomMatrix(9, 4, 2);
    const u = x.map((r) => {
      const norm = Math.hypot(...r);
      return r.map((v) => v / norm);
    });
    let s = 0;
    let pairs = 0;
    for (let i = 0; i < 9; i++) for (let j = i + 1; j < 9; j++) {
      const d2 = (u[i] as number[]).reduce((t, v, k) => t + (v - ((u[j] as number[])[k] as number)) ** 2, 0);
      s += Math.exp(-2 * d2);
      pairs++;
    }
    expect(uniformity(x)).toBeCloseTo(Math.log(s / pairs), 12);
    // Antipodal pair: ‖u − v‖² = 4, so log e^{−8} = −8; coincident points give 0.
    expect(uniformity([[1, 0], [-3, 0]])).toBeCloseTo(-8, 12);
    expect(uniformity([[1, 1], [2, 2]])).toBeCloseTo(0, 12);
    expect(() => uniformity([[0, 0], [1, 0]])).toThrow(/zero norm/);
  });
});

describe('norm and distance statistics', () => {
  it('describes row norms and pairwise distances', () => {
    const x = [[3, 4], [0, 0], [6, 8]];
    const norms = normStatistics(x);
    expect(norms.mean).toBeCloseTo(5, 14);
    expect(norms.min).toBe(0);
    expect(norms.max).toBe(10);
    expect(norms.std).toBeCloseTo(Math.sqrt(50 / 3), 14);
    const y = [[1, 0], [0, 1], [-1, 0]];
    const d = distanceStatistics(y);
    // Distances √2, 2, √2; cosines 0, −1, 0.
    expect(d.meanDistance).toBeCloseTo((2 * Math.SQRT2 + 2) / 3, 14);
    const m = (2 * Math.SQRT2 + 2) / 3;
    expect(d.stdDistance).toBeCloseTo(Math.sqrt((2 * (Math.SQRT2 - m) ** 2 + (2 - m) ** 2) / 3), 14);
    expect(d.meanCosine).toBeCloseTo(-1 / 3, 14);
    // Cosines over the 6 ordered pairs: 0, 0, 0, 0, −1, −1, sorted (−1, −1, 0, 0, 0, 0); numpy's
    // linear quantile at q sits at position 5q: q05 → 0.25 → −1; q50 → 2.5 → 0; q95 → 4.75 → 0.
    expect(d.stdCosine).toBeCloseTo(Math.sqrt(2) / 3, 14);
    expect(d.cosineQuantiles).toEqual({ q05: -1, q50: 0, q95: 0 });
    // Distances sorted (√2, √2, √2, √2, 2, 2): q05 → √2; q50 → position 2.5 → √2; q95 → 4.75 → 2.
    expect(d.distanceQuantiles.q05).toBeCloseTo(Math.SQRT2, 14);
    expect(d.distanceQuantiles.q50).toBeCloseTo(Math.SQRT2, 14);
    expect(d.distanceQuantiles.q95).toBeCloseTo(2, 14);
  });

  it('interpolates quantiles linearly between ordered pairs, as np.quantile', () => {
    // Points 0, 1, 3 on a line: distances 1, 2, 3 (i < j); ordered pairs (1, 1, 2, 2, 3, 3).
    // q05: position 0.25 → 1; q50: 2.5 → 2 + 0.5·0 = 2; q95: 4.75 → 3.
    const q = distanceStatistics([[0, 1], [1, 1], [3, 1]]).distanceQuantiles;
    expect(q.q05).toBeCloseTo(1, 14);
    expect(q.q50).toBeCloseTo(2, 14);
    expect(q.q95).toBeCloseTo(3, 14);
    // Points 0, 1, 3, 7: distances 1, 2, 3, 4, 6, 7 → 12 ordered values; q05 at 0.55 → 1,
    // q50 at 5.5 → between 3 and 4 → 3.5, q95 at 10.45 → 7.
    const r = distanceStatistics([[0, 1], [1, 1], [3, 1], [7, 1]]).distanceQuantiles;
    expect(r.q05).toBeCloseTo(1, 14);
    expect(r.q50).toBeCloseTo(3.5, 14);
    expect(r.q95).toBeCloseTo(7, 14);
  });

  it('finds the quantiles of many pairs with ties exactly as sorting every ordered pair would', () => {
    // 200 points on an integer line with repeats: 19,900 distances, most of them tied.
    let state = 7;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) % 50;
    const xs = Array.from({ length: 200 }, () => next());
    const ordered: number[] = [];
    for (let i = 0; i < xs.length; i++) for (let j = 0; j < xs.length; j++) if (i !== j) ordered.push(Math.abs(xs[i]! - xs[j]!));
    ordered.sort((a, b) => a - b);
    const quantile = (q: number) => {
      const position = q * (ordered.length - 1);
      const lo = Math.floor(position);
      const t = position - lo;
      const a = ordered[lo]!, b = ordered[Math.min(lo + 1, ordered.length - 1)]!;
      return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
    };
    const d = distanceStatistics(xs.map((x) => [x, 1])).distanceQuantiles;
    expect(d.q05).toBeCloseTo(quantile(0.05), 9);
    expect(d.q50).toBeCloseTo(quantile(0.5), 9);
    expect(d.q95).toBeCloseTo(quantile(0.95), 9);
  });
});
