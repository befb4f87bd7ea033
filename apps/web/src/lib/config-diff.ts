// Config comparison across runs: flatten nested configs to dotted paths and keep only the paths
// whose values differ (or are missing in some runs).

export type Flat = Map<string, unknown>;

/** { a: { b: 1 }, c: [1, 2] } → a.b = 1, c = [1,2] (arrays are leaves: compared whole). */
export function flatten(value: unknown, prefix = '', out: Flat = new Map()): Flat {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) out.set(prefix, {});
    for (const [key, child] of entries) flatten(child, prefix ? `${prefix}.${key}` : key, out);
  } else if (prefix) {
    out.set(prefix, value);
  }
  return out;
}

/** Stable string for comparing and showing a leaf value. */
export function showValue(value: unknown): string {
  if (value === undefined) return '∅';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v));
}

export interface DiffRow {
  path: string;
  /** One per config, in input order; undefined where the path is absent. */
  values: unknown[];
}

export function differingKeys(configs: unknown[]): DiffRow[] {
  const flats = configs.map((c) => flatten(c));
  const paths = new Set<string>();
  for (const f of flats) for (const p of f.keys()) paths.add(p);
  const rows: DiffRow[] = [];
  for (const path of [...paths].sort()) {
    const values = flats.map((f) => f.get(path));
    const shown = new Set(values.map(showValue));
    if (shown.size > 1) rows.push({ path, values });
  }
  return rows;
}
