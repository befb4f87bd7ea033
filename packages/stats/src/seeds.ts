// Small-sample statistics for seeds: means, sample standard deviations, Student-t confidence
// intervals (exact t quantiles, since grids have 2–5 seeds and a normal interval would be far
// too narrow) and Welch's interval for the difference of two means with unequal variances.
import { studentTQuantile } from './student-t.js';

export interface Summary {
  n: number;
  mean: number | null;
  /** Sample standard deviation (n − 1); null below two values. */
  std: number | null;
  /** Two-sided confidence interval of the mean (Student t, n − 1 df); null below two values. */
  ciLow: number | null;
  ciHigh: number | null;
}

export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('mean of no values');
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Unbiased sample variance (divides by n − 1). */
export function sampleVariance(values: readonly number[]): number {
  if (values.length < 2) throw new RangeError('sample variance needs at least two values');
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return ss / (values.length - 1);
}

/** n, mean, std and the `level` (default 95%) t-interval of the mean. */
export function summarize(values: readonly number[], level = 0.95): Summary {
  const n = values.length;
  if (n === 0) return { n, mean: null, std: null, ciLow: null, ciHigh: null };
  const m = mean(values);
  if (n < 2) return { n, mean: m, std: null, ciLow: null, ciHigh: null };
  const std = Math.sqrt(sampleVariance(values));
  const half = studentTQuantile(0.5 + level / 2, n - 1) * std / Math.sqrt(n);
  return { n, mean: m, std, ciLow: m - half, ciHigh: m + half };
}

export interface WelchResult {
  /** mean(a) − mean(b). */
  delta: number;
  /** Standard error of the difference. */
  se: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  ciLow: number;
  ciHigh: number;
}

/**
 * Welch's t-interval for mean(a) − mean(b) (unequal variances). Needs two values on each side.
 * When both samples have zero variance the interval collapses onto the difference.
 */
export function welchInterval(a: readonly number[], b: readonly number[], level = 0.95): WelchResult {
  if (a.length < 2 || b.length < 2) throw new RangeError('Welch interval needs at least two values per side');
  return welchFromMoments(
    { n: a.length, mean: mean(a), variance: sampleVariance(a) },
    { n: b.length, mean: mean(b), variance: sampleVariance(b) },
    level,
  );
}

/** Welch's interval from each side's n, mean and sample variance (n ≥ 2 on each side). */
export function welchFromMoments(a: Moments, b: Moments, level = 0.95): WelchResult {
  if (a.n < 2 || b.n < 2) throw new RangeError('Welch interval needs at least two values per side');
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const delta = a.mean - b.mean;
  const se = Math.sqrt(va + vb);
  if (se === 0) return { delta, se, df: a.n + b.n - 2, ciLow: delta, ciHigh: delta };
  const df = (va + vb) ** 2 / (va ** 2 / (a.n - 1) + vb ** 2 / (b.n - 1));
  const half = studentTQuantile(0.5 + level / 2, df) * se;
  return { delta, se, df, ciLow: delta - half, ciHigh: delta + half };
}

/** One side of a Welch comparison. */
export interface Moments {
  n: number;
  mean: number;
  /** Sample variance (n − 1). */
  variance: number;
}
