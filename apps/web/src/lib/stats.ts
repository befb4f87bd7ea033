// Mean and 95% confidence interval over seeds for the browser views where the API returns
// per-run values (e.g. a compare table over grid cells): @stratum/stats' Student-t and Welch
// intervals, the same implementation the API and `stratum check` use.
import { summarize as summarizeValues, welchFromMoments, type Summary } from '@stratum/stats';

export type { Summary };

/** n, mean, std and the 95% t-interval of the finite values (null and missing ones skipped). */
export function summarize(values: Array<number | null | undefined>): Summary {
  return summarizeValues(values.filter((v): v is number => v !== null && v !== undefined && Number.isFinite(v)));
}

/** Welch's CI for the difference of means a − b (what the compare table shows as a delta's CI). */
export function welchDelta(a: Summary, b: Summary): { delta: number | null; ciLow: number | null; ciHigh: number | null } {
  if (a.mean === null || b.mean === null) return { delta: null, ciLow: null, ciHigh: null };
  const delta = a.mean - b.mean;
  if (a.std === null || b.std === null || a.n < 2 || b.n < 2) return { delta, ciLow: null, ciHigh: null };
  const w = welchFromMoments({ n: a.n, mean: a.mean, variance: a.std ** 2 }, { n: b.n, mean: b.mean, variance: b.std ** 2 });
  return { delta, ciLow: w.ciLow, ciHigh: w.ciHigh };
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
