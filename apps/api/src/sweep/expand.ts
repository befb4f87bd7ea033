// A sweep's declared grid, checked and expanded — pure, no database: the spec checked by
// @stratum/run-config's sweep schema (the one the CLI checks sweep files with; every issue
// named by its field) and brought to canonical order, one cell per (model size, K, regime,
// seed) with the trainer's resolved config, and the canonical JSON whose hash makes
// createSweep idempotent.
import { checkSweepSpec, ConfigError, FACTOR_KEYS, PRESET_NAMES, resolveRunConfig, type RunConfig } from '@stratum/run-config';
import { coded } from '../errors/codes.js';
import { REGIME_OF_MODE, RunMode } from '../run/run.enums.js';
import type { CreateSweepInput } from './sweep.input.js';
import type { SweepFactors } from './sweep.type.js';

const MODE_ORDER: RunMode[] = [RunMode.E2E, RunMode.BLOCKWISE_SIMULTANEOUS, RunMode.BLOCKWISE_SEQUENTIAL];
const MODE_SHORT: Record<RunMode, string> = { E2E: 'e2e', BLOCKWISE_SIMULTANEOUS: 'sim', BLOCKWISE_SEQUENTIAL: 'seq' };

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

/** Checks the declared spec and brings it to its canonical form (sorted factors, defaults). */
export function normaliseSpec(input: CreateSweepInput): NormalisedSpec {
  const checked = checkSweepSpec(input);
  if (!checked.ok) throw invalidSweep(checked.issues);
  const { spec } = checked;
  const f = spec.factors;
  const presetRank = (s: string) => (PRESET_NAMES as readonly string[]).indexOf(s);
  return {
    factors: {
      modelSizes: [...f.modelSizes].sort((a, b) => presetRank(a) - presetRank(b)),
      blocks: [...f.blocks].sort((a, b) => a - b),
      modes: [...(f.modes as RunMode[])].sort((a, b) => MODE_ORDER.indexOf(a) - MODE_ORDER.indexOf(b)),
      seeds: [...f.seeds].sort((a, b) => a - b),
    },
    dataset: spec.dataset ?? null,
    steps: spec.steps ?? null,
    evaluation: spec.evaluation ?? null,
    overrides: spec.overrides ?? {},
    requirements: spec.requirements ?? {},
    priority: spec.priority ?? 0,
    maxAttempts: spec.maxAttempts ?? 3,
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

export function specDifferences(a: unknown, b: unknown, prefix = ''): string[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => specDifferences(a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  return canonicalJson(a ?? null) === canonicalJson(b ?? null) ? [] : [prefix || '(spec)'];
}
