import { describe, expect, it } from 'vitest';
import { lnGamma, mean, regularizedBeta, sampleVariance, studentTCdf, studentTQuantile, summarize, welchInterval } from '../src/index.js';

// Two-sided critical values from standard t tables (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2).
const TABLE: Array<[p: number, df: number, t: number]> = [
  [0.975, 1, 12.706204736], [0.975, 2, 4.302652730], [0.975, 3, 3.182446305], [0.975, 4, 2.776445105],
  [0.975, 5, 2.570581836], [0.975, 6, 2.446911851], [0.975, 9, 2.262157163], [0.975, 10, 2.228138852],
  [0.975, 20, 2.085963447], [0.975, 30, 2.042272456], [0.975, 120, 1.979930405],
  [0.95, 1, 6.313751515], [0.95, 5, 2.015048373], [0.95, 10, 1.812461123],
  [0.995, 1, 63.656741163], [0.995, 3, 5.840909309], [0.9, 7, 1.414923928],
];

describe('Student t quantile', () => {
  it.each(TABLE)('t(%f, df=%i) matches the table value', (p, df, t) => {
    expect(studentTQuantile(p, df)).toBeCloseTo(t, 6);
    expect(studentTQuantile(1 - p, df)).toBeCloseTo(-t, 6);
  });

  it('matches the closed forms for 1 and 2 degrees of freedom at arbitrary p', () => {
    for (const p of [0.01, 0.2, 0.37, 0.5, 0.61, 0.9, 0.999]) {
      expect(studentTQuantile(p, 1)).toBeCloseTo(Math.tan(Math.PI * (p - 0.5)), 8); // Cauchy
      expect(studentTQuantile(p, 2)).toBeCloseTo((2 * p - 1) / Math.sqrt(2 * p * (1 - p)), 8);
    }
  });

  it('inverts its CDF for fractional (Welch) degrees of freedom and approaches the normal', () => {
    for (const df of [1.3, 2.5, 7.77, 41.2]) {
      for (const p of [0.6, 0.9, 0.975, 0.995]) expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 10);
    }
    const t25 = studentTQuantile(0.975, 2.5);
    expect(t25).toBeLessThan(4.302652730);
    expect(t25).toBeGreaterThan(3.182446305);
    expect(studentTQuantile(0.975, 1e6)).toBeCloseTo(1.959963985, 5);
  });

  it('refuses nonsense', () => {
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.9, 0)).toThrow(RangeError);
    expect(() => studentTQuantile(0.9, Number.NaN)).toThrow(RangeError);
  });
});

describe('special functions', () => {
  it('lnGamma agrees with factorials and Γ(1/2) = √π', () => {
    expect(lnGamma(1)).toBeCloseTo(0, 12);
    expect(lnGamma(6)).toBeCloseTo(Math.log(120), 12);
    expect(lnGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });
  it('the regularised incomplete beta has its closed forms', () => {
    // I_x(1, b) = 1 − (1 − x)^b and I_x(a, 1) = x^a.
    expect(regularizedBeta(0.3, 1, 4)).toBeCloseTo(1 - 0.7 ** 4, 12);
    expect(regularizedBeta(0.8, 3, 1)).toBeCloseTo(0.8 ** 3, 12);
    expect(regularizedBeta(0.25, 2.5, 2.5) + regularizedBeta(0.75, 2.5, 2.5)).toBeCloseTo(1, 12);
  });
});

describe('summaries over seeds', () => {
  it('computes mean, sample std and the t interval by hand on three seeds', () => {
    const s = summarize([0.30, 0.33, 0.36]);
    // mean 0.33; deviations ±0.03, 0 → variance (0.0009·2)/2 = 0.0009, std 0.03.
    expect(s.n).toBe(3);
    expect(s.mean).toBeCloseTo(0.33, 12);
    expect(s.std).toBeCloseTo(0.03, 12);
    const half = 4.302652730 * 0.03 / Math.sqrt(3);
    expect(s.ciLow).toBeCloseTo(0.33 - half, 8);
    expect(s.ciHigh).toBeCloseTo(0.33 + half, 8);
  });
  it('has no spread for one value and nothing for none', () => {
    expect(summarize([2])).toEqual({ n: 1, mean: 2, std: null, ciLow: null, ciHigh: null });
    expect(summarize([])).toEqual({ n: 0, mean: null, std: null, ciLow: null, ciHigh: null });
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(sampleVariance([1, 2, 3, 4])).toBeCloseTo(5 / 3, 12);
  });
});

describe('Welch interval', () => {
  it('matches a hand computation', () => {
    const a = [0.40, 0.42, 0.44]; // mean 0.42, var 0.0004
    const b = [0.30, 0.34, 0.38, 0.42]; // mean 0.36, var 0.0026667
    const va = 0.0004 / 3;
    const vb = (0.0036 * 2 + 0.0004 * 2) / 3 / 4; // deviations ±0.06, ±0.02
    const df = (va + vb) ** 2 / (va ** 2 / 2 + vb ** 2 / 3);
    const w = welchInterval(a, b);
    expect(w.delta).toBeCloseTo(0.06, 12);
    expect(w.se).toBeCloseTo(Math.sqrt(va + vb), 12);
    expect(w.df).toBeCloseTo(df, 10);
    const half = studentTQuantile(0.975, df) * Math.sqrt(va + vb);
    expect(w.ciLow).toBeCloseTo(0.06 - half, 10);
    expect(w.ciHigh).toBeCloseTo(0.06 + half, 10);
    // With equal variances and sizes Welch's df reduces to 2n − 2.
    expect(welchInterval([1, 2, 3], [4, 5, 6]).df).toBeCloseTo(4, 10);
  });
  it('collapses onto the difference without spread, and needs two values a side', () => {
    expect(welchInterval([1, 1], [0.5, 0.5])).toMatchObject({ delta: 0.5, ciLow: 0.5, ciHigh: 0.5 });
    expect(() => welchInterval([1], [1, 2])).toThrow(RangeError);
  });
});
