// Small matrix helpers for similarity views (client-safe, pure).

export interface LabeledMatrix {
  rowLabels: string[];
  colLabels: string[];
  /** Row-major rows × cols. */
  values: number[];
}

export function at(m: LabeledMatrix, r: number, c: number): number | null {
  const v = m.values[r * m.colLabels.length + c];
  return v === undefined || !Number.isFinite(v) ? null : v;
}

/** CKA between consecutive blocks: entries (k, k+1) of a square block × block matrix. */
export function consecutive(m: LabeledMatrix): Array<{ label: string; value: number | null }> {
  const n = Math.min(m.rowLabels.length, m.colLabels.length);
  return Array.from({ length: Math.max(0, n - 1) }, (_, k) => ({
    label: `${m.rowLabels[k]}→${m.colLabels[k + 1]}`,
    value: at(m, k, k + 1),
  }));
}

/** A − B element-wise; null when the shapes or labels differ (not comparable cell by cell). */
export function difference(a: LabeledMatrix, b: LabeledMatrix): LabeledMatrix | null {
  const same = (x: string[], y: string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  if (!same(a.rowLabels, b.rowLabels) || !same(a.colLabels, b.colLabels) || a.values.length !== b.values.length) return null;
  return { rowLabels: a.rowLabels, colLabels: a.colLabels, values: a.values.map((v, i) => v - b.values[i]!) };
}

/** Element-wise mean of equally shaped matrices (e.g. over the seeds of a grid cell). */
export function meanMatrix(ms: LabeledMatrix[]): LabeledMatrix | null {
  const [first] = ms;
  if (!first) return null;
  if (ms.some((m) => difference(m, first) === null)) return null;
  return { rowLabels: first.rowLabels, colLabels: first.colLabels, values: first.values.map((_, i) => ms.reduce((s, m) => s + m.values[i]!, 0) / ms.length) };
}
