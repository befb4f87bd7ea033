/**
 * Small descriptive statistics shared by the analyses (numpy's conventions where they differ:
 * `std` is the population standard deviation, ddof = 0, like `np.std`).
 */
import { AnalysisError } from './errors.js';

export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) throw new AnalysisError('mean', 'no values');
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] as number;
  return s / values.length;
}

/** Standard deviation with `ddof` degrees of freedom removed (default 0, as `np.std`). */
export function std(values: ArrayLike<number>, ddof = 0): number {
  if (values.length - ddof <= 0) throw new AnalysisError('std', `needs more than ${ddof} values, got ${values.length}`);
  const m = mean(values);
  let s = 0;
  for (let i = 0; i < values.length; i++) {
    const d = (values[i] as number) - m;
    s += d * d;
  }
  return Math.sqrt(s / (values.length - ddof));
}

/**
 * The k-th smallest value (0-based) of `a`, reordering `a` in place (Hoare's quickselect with a
 * median-of-three pivot; expected O(n)).
 */
export function selectKth(a: Float64Array, k: number): number {
  if (!(k >= 0 && k < a.length)) throw new AnalysisError('selectKth', `k = ${k} outside [0, ${a.length})`);
  let lo = 0;
  let hi = a.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as pivot, which also guards the sorted and reversed cases.
    const x = a[lo] as number;
    const y = a[mid] as number;
    const z = a[hi] as number;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k] as number;
  }
  return a[k] as number;
}

/** The median with numpy's convention: mean of the two middle values for an even count. */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) throw new AnalysisError('median', 'no values');
  const a = Float64Array.from(values as ArrayLike<number>);
  const n = a.length;
  const upper = selectKth(a, n >> 1);
  if (n % 2 === 1) return upper;
  // After selection everything before n/2 is ≤ upper; the lower middle is their maximum.
  let lower = -Infinity;
  for (let i = 0; i < n >> 1; i++) lower = Math.max(lower, a[i] as number);
  return 0.5 * (lower + upper);
}
