// A sweep's declared grid, checked and expanded — pure, no database: the spec normalised (every
// issue named by its field), one cell per (model size, K, regime, seed) with the trainer's
// resolved config, and the canonical JSON whose hash makes createSweep idempotent.
import { z } from 'zod';
import { ConfigError, PRESET_NAMES, resolveRunConfig, type RunConfig } from '@stratum/run-config';
import { coded } from '../errors/codes.js';
import { REGIME_OF_MODE, RunMode } from '../run/run.enums.js';
import type { CreateSweepInput } from './sweep.input.js';
import type { SweepFactors } from './sweep.type.js';

export const MAX_CELLS = 1000;

/** Run-config keys the sweep itself sets; overrides may not touch them. */
const FACTOR_KEYS: Record<string, string> = {
  preset: 'factors.modelSizes',
  regime: 'factors.modes',
  blocks: 'factors.blocks',
  seed: 'factors.seeds',
  dataset: 'dataset',
  steps: 'steps',
};

const MODE_ORDER: RunMode[] = [RunMode.E2E, RunMode.BLOCKWISE_SIMULTANEOUS, RunMode.BLOCKWISE_SEQUENTIAL];
const MODE_SHORT: Record<RunMode, string> = { E2E: 'e2e', BLOCKWISE_SIMULTANEOUS: 'sim', BLOCKWISE_SEQUENTIAL: 'seq' };

const requirementsSchema = z.strictObject({
  backends: z.array(z.string().min(1).max(50)).max(10).optional(),
  labels: z.record(z.string().max(100), z.union([z.string().max(200), z.number(), z.boolean()])).optional(),
  gpu: z.boolean().optional(),
  devices: z.number().int().min(1).max(64).optional(),
});

export interface Issue { field: string; message: string }

/** BAD_USER_INPUT listing every problem, each with the input field it is about. */
export function invalidSweep(issues: Issue[]) {
  const unique = [...new Map(issues.map((i) => [`${i.field}: ${i.message}`, i])).values()];
  return coded('BAD_USER_INPUT', `invalid sweep: ${unique.map((i) => `${i.field}: ${i.message}`).join('; ')}`, {
    field: unique[0]?.field,
    fields: [...new Set(unique.map((i) => i.field))],
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** JSON with object keys sorted at every level: equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value).sort().filter((k) => value[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface NormalisedSpec {
  factors: SweepFactors;
  dataset: Record<string, unknown> | null;
  steps: number | null;
  evaluation: Record<string, unknown> | null;
  overrides: Record<string, unknown>;
  requirements: Record<string, unknown>;
  priority: number;
  maxAttempts: number;
}

export interface Cell {
  runId: string;
  name: string;
  modelSize: string;
  blocks: number;
  /** K values the run is evaluated at (E2E: every K of the sweep). */
  partitions: number[];
  mode: RunMode;
  seed: number;
  config: Record<string, unknown>;
}

function duplicates<T>(values: readonly T[]): T[] {
  const seen = new Set<T>();
  const repeated = new Set<T>();
  for (const v of values) (seen.has(v) ? repeated : seen).add(v);
  return [...repeated];
}

/** Checks the declared spec and brings it to its canonical form (sorted factors, defaults). */
export function normaliseSpec(input: CreateSweepInput): NormalisedSpec {
  const issues: Issue[] = [];
  const f = input.factors;
  for (const [field, values] of [['modelSizes', f.modelSizes], ['blocks', f.blocks], ['modes', f.modes], ['seeds', f.seeds]] as const) {
    const repeated = duplicates<unknown>(values);
    if (repeated.length) issues.push({ field: `factors.${field}`, message: `repeats ${repeated.map((v) => JSON.stringify(v)).join(', ')}` });
  }
  for (const size of f.modelSizes) {
    if (!(PRESET_NAMES as readonly string[]).includes(size)) {
      issues.push({ field: 'factors.modelSizes', message: `unknown model size ${JSON.stringify(size)} (known: ${PRESET_NAMES.join(', ')})` });
    }
  }
  const cells = runCount(f);
  if (cells > MAX_CELLS) issues.push({ field: 'factors', message: `expands to ${cells} runs; the limit is ${MAX_CELLS}` });
  if (input.dataset !== undefined && input.dataset !== null && (!isPlainObject(input.dataset) || typeof input.dataset.name !== 'string')) {
    issues.push({ field: 'dataset', message: 'must be a JSON object with a "name", e.g. { "name": "moving-mnist" }' });
  }
  if (input.evaluation !== undefined && input.evaluation !== null && !isPlainObject(input.evaluation)) {
    issues.push({ field: 'evaluation', message: 'must be a JSON object' });
  }
  let overrides: Record<string, unknown> = {};
  if (input.overrides !== undefined && input.overrides !== null) {
    if (!isPlainObject(input.overrides)) issues.push({ field: 'overrides', message: 'must be a JSON object of trainer config fields' });
    else {
      overrides = input.overrides;
      for (const key of Object.keys(overrides)) {
        if (key in FACTOR_KEYS) issues.push({ field: `overrides.${key}`, message: `is set by the sweep; use ${FACTOR_KEYS[key]}` });
        if (key === 'evaluation') issues.push({ field: 'overrides.evaluation', message: 'use the evaluation field' });
      }
    }
  }
  let requirements: Record<string, unknown> = {};
  if (input.requirements !== undefined && input.requirements !== null) {
    const parsed = requirementsSchema.safeParse(input.requirements);
    if (parsed.success) requirements = parsed.data;
    else {
      for (const issue of parsed.error.issues) {
        const path = issue.path.map(String).join('.');
        const keys = issue.code === 'unrecognized_keys' ? issue.keys : [null];
        for (const key of keys) issues.push({ field: ['requirements', path, key].filter(Boolean).join('.'), message: key ? 'unknown key' : issue.message });
      }
    }
  }
  if (issues.length) throw invalidSweep(issues);

  const presetRank = (s: string) => (PRESET_NAMES as readonly string[]).indexOf(s);
  return {
    factors: {
      modelSizes: [...f.modelSizes].sort((a, b) => presetRank(a) - presetRank(b)),
      blocks: [...f.blocks].sort((a, b) => a - b),
      modes: [...f.modes].sort((a, b) => MODE_ORDER.indexOf(a) - MODE_ORDER.indexOf(b)),
      seeds: [...f.seeds].sort((a, b) => a - b),
    },
    dataset: (input.dataset as Record<string, unknown> | undefined) ?? null,
    steps: input.steps ?? null,
    evaluation: (input.evaluation as Record<string, unknown> | undefined) ?? null,
    overrides,
    requirements,
    priority: input.priority,
    maxAttempts: input.maxAttempts,
  };
}

/** Where a trainer config issue points in the sweep input. */
function sweepField(configPath: string): string {
  const head = configPath.split('.')[0] ?? '';
  if (head in FACTOR_KEYS) return FACTOR_KEYS[head]! + (head === 'dataset' && configPath !== 'dataset' ? configPath.slice('dataset'.length) : '');
  return configPath ? `overrides.${configPath}` : 'overrides';
}

/**
 * One run per combination, each with the trainer's resolved config; every invalid one reported.
 * E2E training does not depend on K (its one decoder sits on the last layer), so E2E is one run
 * per (size, seed) with `partitions` = every K of the sweep: the agent evaluates it at each K's
 * block boundaries (config.evaluation.partitions) and the grid shows it under each K. Its
 * checkpoint is built with the smallest K.
 */
export function expandSpec(sweepName: string, spec: NormalisedSpec): Cell[] {
  const cells: Cell[] = [];
  const issues: Issue[] = [];
  const { factors } = spec;
  const resolve = (modelSize: string, mode: RunMode, blocks: number, seed: number): RunConfig | null => {
    try {
      return resolveRunConfig({
        ...spec.overrides,
        preset: modelSize,
        regime: REGIME_OF_MODE[mode],
        blocks,
        seed,
        ...(spec.dataset ? { dataset: spec.dataset } : {}),
        ...(spec.steps !== null ? { steps: spec.steps } : {}),
      });
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      for (const issue of error.issues) {
        issues.push({ field: sweepField(issue.path), message: `${issue.message} (${modelSize}, K=${blocks}, ${mode})` });
      }
      return null;
    }
  };
  const cell = (modelSize: string, mode: RunMode, seed: number, partitions: number[], name: string): void => {
    const configs = partitions.map((k) => resolve(modelSize, mode, k, seed));
    const config = configs[0];
    if (!config || configs.some((c) => c === null)) return;
    const evaluation = mode === RunMode.E2E ? { ...spec.evaluation, partitions } : spec.evaluation;
    cells.push({
      runId: crypto.randomUUID(),
      name: `${sweepName}/${name}`,
      modelSize,
      blocks: config.blocks,
      partitions,
      mode,
      seed,
      config: evaluation ? { ...config, evaluation } : { ...config },
    });
  };
  for (const modelSize of factors.modelSizes) {
    if (factors.modes.includes(RunMode.E2E)) {
      for (const seed of factors.seeds) cell(modelSize, RunMode.E2E, seed, [...factors.blocks], `${modelSize}-e2e-s${seed}`);
    }
    for (const blocks of factors.blocks) {
      for (const mode of factors.modes) {
        if (mode === RunMode.E2E) continue;
        for (const seed of factors.seeds) cell(modelSize, mode, seed, [blocks], `${modelSize}-k${blocks}-${MODE_SHORT[mode]}-s${seed}`);
      }
    }
  }
  // The same problem for every seed is one problem.
  if (issues.length) throw invalidSweep(issues);
  return cells;
}

/** Runs a sweep of these factors trains: E2E once per (size, seed), blockwise once per K as well. */
export function runCount(f: { modelSizes: readonly unknown[]; blocks: readonly unknown[]; modes: readonly RunMode[]; seeds: readonly unknown[] }): number {
  const e2e = f.modes.includes(RunMode.E2E) ? 1 : 0;
  return f.modelSizes.length * f.seeds.length * (e2e + f.blocks.length * (f.modes.length - e2e));
}

export function specDifferences(a: unknown, b: unknown, prefix = ''): string[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => specDifferences(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  return canonicalJson(a ?? null) === canonicalJson(b ?? null) ? [] : [prefix || '(spec)'];
}
