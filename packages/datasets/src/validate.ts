/**
 * Plain checks for dataset specs. Specs arrive as JSON from run configs, so every error names
 * the dataset and the field: `dataset "gratings": field "size" must be an integer >= 4, got 2`.
 */

export class DatasetSpecError extends Error {
  constructor(
    readonly dataset: string,
    readonly field: string,
    detail: string,
  ) {
    super(`dataset "${dataset}": field "${field}" ${detail}`);
    this.name = 'DatasetSpecError';
  }
}

type Bag = Record<string, unknown>;

const show = (v: unknown): string => (typeof v === 'string' ? JSON.stringify(v) : String(JSON.stringify(v) ?? v));

/** Rejects keys outside `allowed` (typos in a run config must not be silently ignored). */
export function checkKeys(dataset: string, spec: object, allowed: readonly string[]): void {
  for (const key of Object.keys(spec)) {
    if (!allowed.includes(key)) {
      throw new DatasetSpecError(dataset, key, `is not a known option (known: ${allowed.join(', ')})`);
    }
  }
}

export function intField(dataset: string, spec: object, key: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = (spec as Bag)[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new DatasetSpecError(dataset, key, `must be an integer ${range}, got ${show(v)}`);
  }
  return v;
}

/** A seed: any safe integer. */
export function seedField(dataset: string, spec: object, key = 'seed'): number {
  return intField(dataset, spec, key, 0, Number.MIN_SAFE_INTEGER);
}

export interface NumRange {
  min?: number;
  max?: number;
  /** Excludes `min` itself. */
  above?: number;
  /** Excludes `max` itself. */
  below?: number;
}

function inRange(v: number, r: NumRange): boolean {
  return (
    Number.isFinite(v) &&
    (r.min === undefined || v >= r.min) &&
    (r.max === undefined || v <= r.max) &&
    (r.above === undefined || v > r.above) &&
    (r.below === undefined || v < r.below)
  );
}

function describeRange(r: NumRange): string {
  const parts: string[] = [];
  if (r.min !== undefined) parts.push(`>= ${r.min}`);
  if (r.above !== undefined) parts.push(`> ${r.above}`);
  if (r.max !== undefined) parts.push(`<= ${r.max}`);
  if (r.below !== undefined) parts.push(`< ${r.below}`);
  return parts.length ? `a finite number ${parts.join(' and ')}` : 'a finite number';
}

export function numField(dataset: string, spec: object, key: string, fallback: number, range: NumRange = {}): number {
  const v = (spec as Bag)[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !inRange(v, range)) {
    throw new DatasetSpecError(dataset, key, `must be ${describeRange(range)}, got ${show(v)}`);
  }
  return v;
}

/** A non-empty list of distinct numbers, each in `range`. */
export function numListField(dataset: string, spec: object, key: string, fallback: readonly number[], range: NumRange = {}): number[] {
  const v = (spec as Bag)[key];
  if (v === undefined) return [...fallback];
  if (!Array.isArray(v) || v.length === 0) {
    throw new DatasetSpecError(dataset, key, `must be a non-empty array of numbers, got ${show(v)}`);
  }
  v.forEach((x: unknown, i) => {
    if (typeof x !== 'number' || !inRange(x, range)) {
      throw new DatasetSpecError(dataset, `${key}[${i}]`, `must be ${describeRange(range)}, got ${show(x)}`);
    }
  });
  if (new Set(v).size !== v.length) throw new DatasetSpecError(dataset, key, `must not repeat values, got ${show(v)}`);
  return [...(v as number[])];
}

export function enumField<T extends string>(dataset: string, spec: object, key: string, fallback: T, allowed: readonly T[]): T {
  const v = (spec as Bag)[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw new DatasetSpecError(dataset, key, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${show(v)}`);
  }
  return v as T;
}

export function stringField(dataset: string, spec: object, key: string, fallback?: string): string {
  const v = (spec as Bag)[key];
  if (v === undefined && fallback !== undefined) return fallback;
  if (typeof v !== 'string' || v.length === 0) {
    throw new DatasetSpecError(dataset, key, `must be a non-empty string, got ${show(v)}`);
  }
  return v;
}

export function optionalStringField(dataset: string, spec: object, key: string): string | undefined {
  return (spec as Bag)[key] === undefined ? undefined : stringField(dataset, spec, key);
}

/** Throws a RangeError unless `index` is an integer in [0, size). */
export function checkIndex(dataset: string, index: number, size: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= size) {
    throw new RangeError(`${dataset}: index ${index} is outside [0, ${size})`);
  }
}
