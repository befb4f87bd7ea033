// Mean and 95% confidence interval over seeds (Student t), for aggregating runs in the browser
// views where the API returns per-run values (e.g. a compare table over grid cells).

// Two-sided 97.5% quantiles of Student's t for df = 1..30; beyond that the normal 1.96 is close.
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export function tQuantile975(df: number): number {
  if (df < 1) return Number.NaN;
  return T975[df - 1] ?? 1.96;
}

export interface Summary {
  n: number;
  mean: number | null;
  std: number | null;
  ciLow: number | null;
  ciHigh: number | null;
}

export function summarize(values: Array<number | null | undefined>): Summary {
  const xs = values.filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v));
  const n = xs.length;
  if (n === 0) return { n, mean: null, std: null, ciLow: null, ciHigh: null };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  if (n === 1) return { n, mean, std: null, ciLow: null, ciHigh: null };
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const half = (tQuantile975(n - 1) * std) / Math.sqrt(n);
  return { n, mean, std, ciLow: mean - half, ciHigh: mean + half };
}

/** Welch's CI for the difference of means a − b (what the compare table shows as a delta's CI). */
export function welchDelta(a: Summary, b: Summary): { delta: number | null; ciLow: number | null; ciHigh: number | null } {
  if (a.mean === null || b.mean === null) return { delta: null, ciLow: null, ciHigh: null };
  const delta = a.mean - b.mean;
  if (a.std === null || b.std === null || a.n < 2 || b.n < 2) return { delta, ciLow: null, ciHigh: null };
  const va = (a.std * a.std) / a.n;
  const vb = (b.std * b.std) / b.n;
  const se = Math.sqrt(va + vb);
  if (se === 0) return { delta, ciLow: delta, ciHigh: delta };
  const df = (va + vb) ** 2 / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  const t = tQuantile975(Math.max(1, Math.floor(df)));
  return { delta, ciLow: delta - t * se, ciHigh: delta + t * se };
}

/** A Summary from the API's seed statistics (n, mean, std, ciLow, ciHigh). */
export function summarizeFromStats(p: { n: number; mean: number | null; std: number | null; ciLow: number | null; ciHigh: number | null }): Summary {
  return { n: p.n, mean: p.mean, std: p.std, ciLow: p.ciLow, ciHigh: p.ciHigh };
}

export type DeltaVerdict = 'better' | 'worse' | 'unclear' | 'no-interval';

/**
 * Whether a difference earns a verdict colour: only when its interval excludes zero. Without an
 * interval (a side with one seed) there is no verdict at all, whatever the sign of the delta.
 */
export function deltaVerdict(d: { delta: number | null; ciLow: number | null; ciHigh: number | null }, higherIsBetter: boolean | null): DeltaVerdict {
  if (d.delta === null || d.ciLow === null || d.ciHigh === null) return 'no-interval';
  if (higherIsBetter === null || (d.ciLow <= 0 && d.ciHigh >= 0)) return 'unclear';
  return (d.ciLow > 0) === higherIsBetter ? 'better' : 'worse';
}
