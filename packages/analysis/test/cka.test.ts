import { describe, expect, it } from 'vitest';
import {
  MinibatchCKA,
  ckaCrossMatrices,
  ckaMatrices,
  ckaMatrix,
  debiasedCKA,
  linearCKA,
  minibatchCKA,
  rbfCKA,
} from '../src/index.js';
import { centre, dotv, frob2, mul, randomMatrix, randomOrthogonal, transposeArrays } from './helpers.js';

type M = number[][];

/** Unbiased HSIC (Song et al. 2012, Nguyen et al. 2021), straight from the formula, on raw Grams. */
function hsic1(k: M, l: M): number {
  const n = k.length;
  const kt = k.map((row, i) => row.map((v, j) => (i === j ? 0 : v)));
  const lt = l.map((row, i) => row.map((v, j) => (i === j ? 0 : v)));
  let trace = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) trace += (kt[i] as number[])[j]! * (lt[j] as number[])[i]!;
  const sumK = kt.flat().reduce((s, v) => s + v, 0);
  const sumL = lt.flat().reduce((s, v) => s + v, 0);
  const k1 = kt.map((row) => row.reduce((s, v) => s + v, 0));
  const l1 = lt.map((row) => row.reduce((s, v) => s + v, 0));
  const oneKL1 = dotv(k1, l1); // 1ᵀK̃L̃1 = (K̃1)ᵀ(L̃1) for symmetric K̃
  return (trace + (sumK * sumL) / ((n - 1) * (n - 2)) - (2 / (n - 2)) * oneKL1) / (n * (n - 3));
}

const linearGram = (x: M): M => mul(x, transposeArrays(x));

function directDebiased(x: M, y: M): number {
  const k = linearGram(x); // deliberately uncentred: HSIC₁ must not care
  const l = linearGram(y);
  return hsic1(k, l) / Math.sqrt(hsic1(k, k) * hsic1(l, l));
}

function directLinear(x: M, y: M): number {
  const xc = centre(x);
  const yc = centre(y);
  return frob2(mul(transposeArrays(yc), xc)) / Math.sqrt(frob2(mul(transposeArrays(xc), xc)) * frob2(mul(transposeArrays(yc), yc)));
}

function npMedian(values: number[]): number {
  const s = values.slice().sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

/**
 * The paper's rbf_cka, written out with an explicit centring matrix H: σ = threshold × median of
 * the distances over i < j (not squared distances), K = exp(−d²/(2σ²)).
 */
function directRbf(x: M, y: M, threshold: number): number {
  const kernel = (z: M): M => {
    const sq = z.map((a) => z.map((b) => a.reduce((s, v, j) => s + (v - (b[j] as number)) ** 2, 0)));
    const upper = sq.flatMap((row, i) => row.filter((_, j) => j > i).map(Math.sqrt));
    const sigma = threshold * npMedian(upper);
    return sq.map((row) => row.map((v) => Math.exp(-v / (2 * sigma ** 2))));
  };
  const n = x.length;
  const H = x.map((_, i) => x.map((__, j) => (i === j ? 1 : 0) - 1 / n));
  const hkh = (k: M): M => mul(mul(H, k), H);
  const kx = hkh(kernel(x));
  const ky = hkh(kernel(y));
  const inner = kx.flat().reduce((s, v, i) => s + v * (ky.flat()[i] as number), 0);
  return inner / Math.sqrt(frob2(kx) * frob2(ky));
}

describe('linearCKA', () => {
  it('matches a hand-computed 4×2 example', () => {
    // X = the corners of the unit square; Y = x₁ + x₂ (one feature).
    // Xc = X − (½, ½) = [[−½, −½], [½, −½], [−½, ½], [½, ½]], so XcᵀXc = I₂ and ‖XcᵀXc‖_F = √2.
    // Y = [0, 1, 1, 2]ᵀ, Yc = [−1, 0, 0, 1]ᵀ: YcᵀYc = 2, and YcᵀXc = [½ + ½, ½ + ½] = [1, 1].
    // CKA = ‖YcᵀXc‖²_F / (‖XcᵀXc‖_F ‖YcᵀYc‖_F) = 2 / (√2 · 2) = 1/√2.
    const x = [[0, 0], [1, 0], [0, 1], [1, 1]];
    const y = [[0], [1], [1], [2]];
    expect(linearCKA(x, y)).toBeCloseTo(Math.SQRT1_2, 15);
    // Zero columns change nothing, and with 6 features > 4 samples the Gram form is used.
    const padded = x.map((row) => [...row, 0, 0, 0, 0]);
    expect(linearCKA(padded, y)).toBeCloseTo(Math.SQRT1_2, 15);
  });

  it('is 1 for X vs aXQ + b (Q orthogonal, a ≠ 0) and for X vs X, in both forms', () => {
    for (const [n, d] of [
      [40, 6],
      [8, 20],
    ] as const) {
      const x = randomMatrix(n, d, n + d);
      const q = randomOrthogonal(d, 3);
      const shift = randomMatrix(1, d, 4)[0] as number[];
      const y = mul(x, q).map((row) => row.map((v, j) => -2.5 * v + (shift[j] as number)));
      expect(linearCKA(x, y)).toBeCloseTo(1, 12);
      expect(linearCKA(x, x)).toBeCloseTo(1, 12);
      expect(debiasedCKA(x, y)).toBeCloseTo(1, 12);
      expect(rbfCKA(x, y)).toBeCloseTo(1, 12);
    }
  });

  it('agrees with the direct formula, is symmetric, and lies in [0, 1]', () => {
    for (const [n, dx, dy] of [
      [30, 5, 3],
      [12, 25, 40],
    ] as const) {
      const x = randomMatrix(n, dx, 1);
      const y = randomMatrix(n, dy, 2).map((row, i) => row.map((v, j) => v + 0.5 * ((x[i] as number[])[j % dx] as number)));
      const value = linearCKA(x, y);
      expect(value).toBeCloseTo(directLinear(x, y), 12);
      expect(linearCKA(y, x)).toBeCloseTo(value, 14);
      expect(value).toBeGreaterThan(0);
      expect(value).toBeLessThan(1);
    }
  });

  it('refuses constant features, mismatched samples, NaN and too few samples', () => {
    const x = randomMatrix(10, 3, 1);
    expect(() => linearCKA(x, x.map(() => [0.1, 0.1]))).toThrow(/linearCKA: y is constant across samples/);
    expect(() => linearCKA(x, x.slice(0, 9))).toThrow(/same samples: x has 10 rows, y has 9/);
    expect(() => linearCKA(x, x.map((r, i) => (i === 4 ? [NaN, 1, 1] : r)))).toThrow(/y contains NaN at \[4, 0\]/);
    expect(() => linearCKA([[1]], [[2]])).toThrow(/at least 2 samples/);
  });
});

describe('debiasedCKA', () => {
  it('equals CKA on the unbiased HSIC estimator written out directly', () => {
    for (const [n, dx, dy] of [
      [9, 3, 4],
      [14, 20, 2],
      [30, 4, 4],
    ] as const) {
      const x = randomMatrix(n, dx, n).map((row) => row.map((v) => v + 3)); // uncentred on purpose
      const y = randomMatrix(n, dy, n + 1).map((row, i) => row.map((v, j) => v + ((x[i] as number[])[j % dx] as number)));
      expect(debiasedCKA(x, y)).toBeCloseTo(directDebiased(x, y), 12);
      expect(debiasedCKA(y, x)).toBeCloseTo(debiasedCKA(x, y), 14);
    }
  });

  it('needs n ≥ 4 and refuses constant features', () => {
    expect(() => debiasedCKA([[1], [2], [3]], [[1], [2], [4]])).toThrow(/debiasedCKA: needs at least 4 samples/);
    expect(() => debiasedCKA(randomMatrix(6, 2, 1), randomMatrix(6, 2, 1).map(() => [5, 5]))).toThrow(/debiasedCKA: y is constant across samples/);
  });
});

describe('rbfCKA', () => {
  it('equals the paper\'s formula (σ = median off-diagonal distance) for odd and even pair counts', () => {
    for (const [n, threshold] of [
      [9, 1],
      [10, 0.5],
      [16, 2],
    ] as const) {
      const x = randomMatrix(n, 3, n);
      const y = randomMatrix(n, 5, n + 7).map((row, i) => row.map((v, j) => v + 2 * ((x[i] as number[])[j % 3] as number)));
      expect(rbfCKA(x, y, { threshold })).toBeCloseTo(directRbf(x, y, threshold), 12);
    }
  });

  it('takes σ as the median distance, not the root of the median squared distance', () => {
    // x = 0, 1, 3, 7 on a line: distances over i < j are 1, 2, 3, 4, 6, 7 → median 3.5, so σ² = 12.25
    // (the root-of-median-squared convention would give σ² = (4 + 9)/2 = 6.5 and the median of all
    // 16 entries with the diagonal zeros another value again). K_ij = exp(−d²/24.5).
    const x = [[0], [1], [3], [7]];
    const y = [[0], [1], [0], [1]];
    const kx = x.map((a) => x.map((b) => Math.exp(-(((a[0] as number) - (b[0] as number)) ** 2) / (2 * 12.25))));
    // y: distances 1, 0, 1, 1, 0, 1 → median 1, σ² = 1.
    const ky = y.map((a) => y.map((b) => Math.exp(-(((a[0] as number) - (b[0] as number)) ** 2) / 2)));
    const H = x.map((_, i) => x.map((__, j) => (i === j ? 1 : 0) - 1 / 4));
    const cx = mul(mul(H, kx), H);
    const cy = mul(mul(H, ky), H);
    const inner = cx.flat().reduce((t, v, i) => t + v * (cy.flat()[i] as number), 0);
    expect(rbfCKA(x, y)).toBeCloseTo(inner / Math.sqrt(frob2(cx) * frob2(cy)), 14);
  });

  it('refuses a zero median distance and a bad threshold', () => {
    const x = [[0], [0], [0], [0], [1]];
    expect(() => rbfCKA(x, randomMatrix(5, 2, 1))).toThrow(/rbfCKA: x: the median pairwise distance is 0/);
    expect(() => rbfCKA(randomMatrix(5, 2, 1), randomMatrix(5, 2, 2), { threshold: 0 })).toThrow(/threshold must be a positive number/);
  });
});

describe('minibatchCKA', () => {
  const x = randomMatrix(24, 5, 11);
  const y = randomMatrix(24, 7, 12).map((row, i) => row.map((v, j) => v + ((x[i] as number[])[j % 5] as number)));
  it('equals debiased CKA for a single batch', () => {
    expect(minibatchCKA([[x, y]])).toBeCloseTo(debiasedCKA(x, y), 14);
  });

  it('accumulates HSIC₁ over batches as Nguyen et al. define it', () => {
    const batches = [
      [0, 8],
      [8, 13],
      [13, 24],
    ].map(([a, b]) => [x.slice(a, b), y.slice(a, b)] as [M, M]);
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (const [bx, by] of batches) {
      const k = linearGram(bx);
      const l = linearGram(by);
      xy += hsic1(k, l);
      xx += hsic1(k, k);
      yy += hsic1(l, l);
    }
    expect(minibatchCKA(batches)).toBeCloseTo(xy / Math.sqrt(xx * yy), 12);
    const acc = new MinibatchCKA();
    for (const [bx, by] of batches) acc.add(bx, by);
    expect(acc.count).toBe(3);
    expect(acc.value()).toBeCloseTo(xy / Math.sqrt(xx * yy), 12);
  });

  it('refuses batches with n < 4 and empty input', () => {
    expect(() => minibatchCKA([[x.slice(0, 3), y.slice(0, 3)]])).toThrow(/minibatchCKA: needs at least 4 samples, got 3/);
    expect(() => minibatchCKA([])).toThrow(/no minibatches/);
  });
});

describe('CKA matrices', () => {
  const base = randomMatrix(20, 6, 5);
  const features = [0, 1, 2, 3].map((k) => base.map((row, i) => row.map((v, j) => v + 0.4 * k * ((randomMatrix(20, 6, 50 + k)[i] as number[])[j] as number))));
  it('holds the pairwise values, symmetric with a unit diagonal', () => {
    const results = ckaMatrices(features);
    expect(results.map((r) => r.kind)).toEqual(['linear', 'debiased', 'rbf']);
    const pair = { linear: linearCKA, debiased: debiasedCKA, rbf: rbfCKA } as const;
    for (const { kind, values } of results) {
      for (let i = 0; i < 4; i++) {
        expect(values[i]?.[i]).toBeCloseTo(1, 13);
        for (let j = 0; j < 4; j++) {
          expect(values[i]?.[j]).toBeCloseTo(pair[kind](features[i]!, features[j]!), 12);
          expect(values[i]?.[j]).toBe(values[j]?.[i]);
        }
      }
    }
    // Alone, the debiased matrix may take the feature-space form: equal up to rounding.
    const alone = ckaMatrix(features, 'debiased');
    alone.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(results[1]?.values[i]?.[j] as number, 13)));
  });

  it('cross matrices compare two sets of representations', () => {
    const other = features.slice(1, 3);
    const [linear] = ckaCrossMatrices(features, other, { kinds: ['linear'] });
    expect(linear?.values.length).toBe(4);
    expect(linear?.values[0]?.length).toBe(2);
    expect(linear?.values[3]?.[1]).toBeCloseTo(linearCKA(features[3]!, other[1]!), 12);
  });

  it('refuses representations of different samples', () => {
    expect(() => ckaMatrix([base, base.slice(1)])).toThrow(/same samples/);
  });
});
