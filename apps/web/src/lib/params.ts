// Reading a page's URL state (searchParams) into typed values. Every view keeps its state here.

export type SearchParams = Record<string, string | string[] | undefined>;

export function one(params: SearchParams, name: string): string | undefined {
  const v = params[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

export function many(params: SearchParams, name: string): string[] {
  const v = params[name];
  const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
  return list.flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean);
}

export function int(params: SearchParams, name: string): number | undefined {
  const s = one(params, name);
  if (s === undefined || !/^-?\d+$/.test(s)) return undefined;
  return Number(s);
}

export function oneOf<T extends string>(params: SearchParams, name: string, allowed: readonly T[], fallback: T): T {
  const s = one(params, name);
  return s !== undefined && (allowed as readonly string[]).includes(s) ? (s as T) : fallback;
}

/** A query string from the current params with some replaced (undefined/'' removes). */
export function withParams(params: SearchParams, changes: Record<string, string | string[] | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (key in changes || value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) q.append(key, v);
  }
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === null || value === '') continue;
    for (const v of Array.isArray(value) ? value : [value]) q.append(key, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}
