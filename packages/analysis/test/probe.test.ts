import { describe, expect, it } from 'vitest';
import { fitLogistic, logisticProbe, minimizeLbfgs, predictLogistic } from '../src/index.js';
import { randomMatrix } from './helpers.js';

type M = number[][];

function standardise(x: M): M {
  const n = x.length;
  const d = (x[0] as number[]).length;
  const mean = Array.from({ length: d }, (_, j) => x.reduce((s, r) => s + (r[j] as number), 0) / n);
  const sd = Array.from({ length: d }, (_, j) => Math.sqrt(x.reduce((s, r) => s + ((r[j] as number) - (mean[j] as number)) ** 2, 0) / n));
  return x.map((r) => r.map((v, j) => (v - (mean[j] as number)) / (sd[j] as number)));
}

/**
 * scikit-learn's objective C·Σ CE + ½‖W‖² and its gradient, parameters θ = [W (R×d) row-major, b (R)],
 * R = 1 (binary logistic) for two classes, else K (multinomial).
 */
function objective(z: M, y: number[], K: number, C: number, theta: number[]): { f: number; g: number[]; H: M } {
  const n = z.length;
  const d = (z[0] as number[]).length;
  const R = K === 2 ? 1 : K;
  const P = R * (d + 1);
  const g = new Array<number>(P).fill(0);
  const H = Array.from({ length: P }, () => new Array<number>(P).fill(0));
  let f = 0;
  const w = (k: number, j: number): number => theta[k * d + j] as number;
  const b = (k: number): number => theta[R * d + k] as number;
  const idx = (k: number, j: number): number => (j < d ? k * d + j : R * d + k); // j = d is the intercept
  for (let i = 0; i < n; i++) {
    const zi = [...(z[i] as number[]), 1];
    const logits = Array.from({ length: R }, (_, k) => zi.slice(0, d).reduce((s, v, j) => s + v * w(k, j), 0) + b(k));
    const all = K === 2 ? [0, logits[0] as number] : logits;
    const mx = Math.max(...all);
    const lse = mx + Math.log(all.reduce((s, v) => s + Math.exp(v - mx), 0));
    f += C * (lse - (all[y[i] as number] as number));
    const p = all.map((v) => Math.exp(v - lse));
    const pr = K === 2 ? [p[1] as number] : p; // probabilities of the parametrised classes
    const yr = K === 2 ? [y[i] === 1 ? 1 : 0] : p.map((_, k) => (y[i] === k ? 1 : 0));
    for (let k = 0; k < R; k++) {
      for (let j = 0; j <= d; j++) {
        g[idx(k, j)] = (g[idx(k, j)] as number) + C * ((pr[k] as number) - (yr[k] as number)) * (zi[j] as number);
        for (let l = 0; l < R; l++) {
          const cov = (k === l ? (pr[k] as number) : 0) - (pr[k] as number) * (pr[l] as number);
          for (let m = 0; m <= d; m++) (H[idx(k, j)] as number[])[idx(l, m)]! += C * cov * (zi[j] as number) * (zi[m] as number);
        }
      }
    }
  }
  for (let k = 0; k < R; k++) for (let j = 0; j < d; j++) {
    f += 0.5 * w(k, j) ** 2;
    g[k * d + j] = (g[k * d + j] as number) + w(k, j);
    (H[k * d + j] as number[])[k * d + j]! += 1;
  }
  return { f, g, H };
}

function solve(A: M, bvec: number[]): number[] {
  const n = bvec.length;
  const a = A.map((r, i) => [...r.map((v, j) => v + (i === j ? 1e-12 : 0)), bvec[i] as number]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs((a[r] as number[])[c] as number) > Math.abs((a[p] as number[])[c] as number)) p = r;
    [a[c], a[p]] = [a[p] as number[], a[c] as number[]];
    for (let r = c + 1; r < n; r++) {
      const factor = ((a[r] as number[])[c] as number) / ((a[c] as number[])[c] as number);
      for (let k = c; k <= n; k++) (a[r] as number[])[k]! -= factor * ((a[c] as number[])[k] as number);
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = (a[r] as number[])[n] as number;
    for (let k = r + 1; k < n; k++) s -= ((a[r] as number[])[k] as number) * (x[k] as number);
    x[r] = s / ((a[r] as number[])[r] as number);
  }
  return x;
}

/** A slow damped Newton solver on the same objective, as an independent reference. */
function newton(z: M, y: number[], K: number, C: number): number[] {
  const d = (z[0] as number[]).length;
  const R = K === 2 ? 1 : K;
  let theta = new Array<number>(R * (d + 1)).fill(0);
  for (let it = 0; it < 100; it++) {
    const { f, g, H } = objective(z, y, K, C, theta);
    if (Math.max(...g.map(Math.abs)) < 1e-11) break;
    const step = solve(H, g);
    let t = 1;
    while (objective(z, y, K, C, theta.map((v, i) => v - t * (step[i] as number))).f > f && t > 1e-8) t /= 2;
    theta = theta.map((v, i) => v - t * (step[i] as number));
  }
  return theta;
}

function clusters(n: number, d: number, K: number, seed: number, spread = 1): { x: M; y: number[] } {
  const noise = randomMatrix(n, d, seed, spread);
  const centres = randomMatrix(K, d, seed + 1, 1.5);
  const y = Array.from({ length: n }, (_, i) => i % K);
  return { x: noise.map((r, i) => r.map((v, j) => v + ((centres[y[i] as number] as number[])[j] as number) + 4)), y };
}

describe('fitLogistic', () => {
  it('reaches the closed-form optimum of the symmetric binary case', () => {
    // Points ±a standardise to ±1; by symmetry b = 0 and w solves w = 2C·σ(−w)
    // (the derivative of 2C·log(1 + e^{−w}) + ½w²).
    for (const C of [1, 0.1, 10]) {
      let lo = 0;
      let hi = 2 * C;
      for (let i = 0; i < 200; i++) {
        const mid = (lo + hi) / 2;
        if (mid - (2 * C) / (1 + Math.exp(mid)) < 0) lo = mid;
        else hi = mid;
      }
      const fit = fitLogistic([[3], [-3]], [1, 0], { C, tolerance: 1e-12 });
      expect(fit.model.weights.rows).toBe(1);
      expect(fit.model.weights.data[0]).toBeCloseTo(lo, 10);
      expect(fit.model.intercept[0]).toBeCloseTo(0, 10);
      expect(fit.converged).toBe(true);
      expect(Array.from(predictLogistic(fit.model, [[1], [-1]]))).toEqual([1, 0]);
    }
  });

  for (const K of [2, 3, 5]) {
    it(`matches a reference Newton solver (K = ${K})`, () => {
      const { x, y } = clusters(40, 3, K, K * 10, 1.3);
      const C = 0.7;
      const fit = fitLogistic(x, y, { C, tolerance: 1e-10 });
      const ref = newton(standardise(x), y, K, C);
      const R = K === 2 ? 1 : K;
      const d = 3;
      for (let j = 0; j < R * d; j++) expect(fit.model.weights.data[j]).toBeCloseTo(ref[j] as number, 6);
      // Intercepts are unique up to a common shift in the multinomial case: compare centred.
      const centreOf = (v: number[]): number[] => (R === 1 ? v : v.map((u) => u - v.reduce((s, t) => s + t, 0) / R));
      const ours = centreOf(Array.from(fit.model.intercept));
      const theirs = centreOf(ref.slice(R * d));
      ours.forEach((v, k) => expect(v).toBeCloseTo(theirs[k] as number, 6));
      expect(fit.objective).toBeCloseTo(objective(standardise(x), y, K, C, ref).f, 8);
    });
  }

  it('stops at a small gradient of the scikit-learn objective (checked independently)', () => {
    const { x, y } = clusters(90, 6, 4, 3, 2);
    const C = 1;
    const fit = fitLogistic(x, y, { C });
    expect(fit.converged).toBe(true);
    expect(fit.gradientNorm).toBeLessThanOrEqual(1e-6);
    const theta = [...Array.from(fit.model.weights.data), ...Array.from(fit.model.intercept)];
    const { g } = objective(standardise(x), y, 4, C, theta);
    // The reported norm is for the mean-scaled objective F = f/(C·n).
    expect(Math.max(...g.map(Math.abs)) / (C * 90)).toBeLessThan(2e-6);
    expect(fit.iterations).toBeGreaterThan(0);
  });

  it('warm starts and the preconditioner change the path, not the optimum', () => {
    const { x, y } = clusters(60, 5, 3, 21, 1.5);
    const cold = fitLogistic(x, y, { tolerance: 1e-10 });
    const plain = fitLogistic(x, y, { tolerance: 1e-10, precondition: false });
    const warm = fitLogistic(x, y, { tolerance: 1e-10, initial: cold.model });
    for (const other of [plain, warm]) {
      cold.model.weights.data.forEach((v, i) => expect(other.model.weights.data[i]).toBeCloseTo(v, 6));
    }
    expect(warm.iterations).toBeLessThan(cold.iterations);
  });

  it('the preconditioner pays on strongly correlated features', () => {
    // 30 features driven by 3 latent factors plus little noise: ZᵀZ is badly conditioned.
    const latent = randomMatrix(200, 3, 31, 2);
    const loadings = randomMatrix(3, 30, 32);
    const noise = randomMatrix(200, 30, 33, 0.05);
    const x = latent.map((l, i) => (loadings[0] as number[]).map((_, j) => l.reduce((s, v, t) => s + v * ((loadings[t] as number[])[j] as number), 0) + ((noise[i] as number[])[j] as number)));
    const y = latent.map((l) => ((l[0] as number) > 0 ? 1 : 0) + ((l[1] as number) > 0.5 ? 2 : 0));
    const pre = fitLogistic(x, y);
    const plain = fitLogistic(x, y, { precondition: false, maxIterations: 5000 });
    expect(pre.converged && plain.converged).toBe(true);
    expect(pre.iterations).toBeLessThan(plain.iterations);
    expect(pre.objective).toBeCloseTo(plain.objective, 6);
  });

  it('refuses one class, NaN, mismatched lengths and a bad C', () => {
    expect(() => fitLogistic([[1], [2]], [3, 3])).toThrow(/logisticProbe: the training split has 1 class; a probe needs at least 2/);
    expect(() => fitLogistic([[1], [NaN]], [0, 1])).toThrow(/train.x contains NaN/);
    expect(() => fitLogistic([[1], [2]], [0])).toThrow(/2 rows but train.y has 1/);
    expect(() => fitLogistic([[1], [2]], [0, 1], { C: 0 })).toThrow(/C must be a positive number/);
    expect(() => fitLogistic([[1], [2]], [0, 0.5])).toThrow(/not an integer label/);
  });
});

describe('logisticProbe', () => {
  it('standardises on the training split and scores the test split', () => {
    const all = clusters(90, 4, 3, 5, 0.3); // well-separated clusters
    const train = { x: all.x.slice(0, 60), y: all.y.slice(0, 60) };
    const test = { x: all.x.slice(60), y: all.y.slice(60) };
    const r = logisticProbe(train, test);
    expect(r.accuracy).toBe(1);
    expect(Array.from(r.predictions)).toEqual(test.y);
    // A test label never seen in training counts as an error.
    const unseen = logisticProbe(train, { x: [test.x[0] as number[]], y: [7] });
    expect(unseen.accuracy).toBe(0);
  });

  it('refuses test features of another width', () => {
    const train = clusters(20, 3, 2, 1);
    expect(() => logisticProbe(train, { x: [[1, 2]], y: [0] })).toThrow(/test.x has 2 features, train.x has 3/);
  });
});

describe('minimizeLbfgs', () => {
  it('minimises the Rosenbrock function', () => {
    const r = minimizeLbfgs(
      (v, g) => {
        const [a, b] = [v[0] as number, v[1] as number];
        g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
        g[1] = 200 * (b - a * a);
        return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
      },
      Float64Array.from([-1.2, 1]),
      { gradientTolerance: 1e-9 },
    );
    expect(r.stop).toBe('converged');
    expect(r.x[0]).toBeCloseTo(1, 7);
    expect(r.x[1]).toBeCloseTo(1, 7);
  });

  it('takes one step on a quadratic when the preconditioner is the exact inverse Hessian', () => {
    // f = ½xᵀAx − bᵀx with A = diag(1, 100, 10⁴); P = A⁻¹.
    const A = [1, 100, 1e4];
    const b = [1, 2, 3];
    const r = minimizeLbfgs(
      (v, g) => {
        let f = 0;
        for (let i = 0; i < 3; i++) {
          g[i] = (A[i] as number) * (v[i] as number) - (b[i] as number);
          f += 0.5 * (A[i] as number) * (v[i] as number) ** 2 - (b[i] as number) * (v[i] as number);
        }
        return f;
      },
      new Float64Array(3),
      { gradientTolerance: 1e-12, preconditioner: (v, out) => v.forEach((u, i) => (out[i] = u / (A[i] as number))) },
    );
    expect(r.iterations).toBe(1);
    r.x.forEach((v, i) => expect(v).toBeCloseTo((b[i] as number) / (A[i] as number), 12));
  });
});
