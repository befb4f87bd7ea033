// What a sweep is: one schema, used by the API's createSweep and by `stratum sweep create -f`
// (which adds only its file conveniences: a dataset given by name). Every check that needs no
// database is here — names, factor lists (bounds, repeats, known presets, at most MAX_CELLS
// runs), steps, overrides that would clash with a factor, agent requirements — so the CLI
// refuses a bad sweep before sending it, with the API's words. Whether K divides each preset's
// depth is the run config's to say (resolveRunConfig), per expanded run.
import { z } from 'zod';
import { PRESET_NAMES } from './presets.js';

/** The API's name rule (projects, sweeps, baselines). */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
export const NAME_MESSAGE = 'names are 1–100 characters of letters, digits and _.:- starting with a letter or digit';

/** The training modes of a run, as the API names them, and the trainer's names for them. */
export const RUN_MODES = ['E2E', 'BLOCKWISE_SIMULTANEOUS', 'BLOCKWISE_SEQUENTIAL'] as const;
export type RunModeName = (typeof RUN_MODES)[number];
export const MODE_ALIASES: Readonly<Record<string, RunModeName>> = {
  e2e: 'E2E',
  simultaneous: 'BLOCKWISE_SIMULTANEOUS',
  blockwise_simultaneous: 'BLOCKWISE_SIMULTANEOUS',
  sequential: 'BLOCKWISE_SEQUENTIAL',
  blockwise_sequential: 'BLOCKWISE_SEQUENTIAL',
};

/** The most runs one sweep may expand into. */
export const MAX_CELLS = 1000;

/** Run-config keys the sweep itself sets, and the sweep field that sets each: overrides may not touch them. */
export const FACTOR_KEYS: Readonly<Record<string, string>> = {
  preset: 'factors.modelSizes',
  regime: 'factors.modes',
  blocks: 'factors.blocks',
  seed: 'factors.seeds',
  dataset: 'dataset',
  steps: 'steps',
};

const name = z.string({ error: 'expected a name (a string)' }).regex(NAME_PATTERN, NAME_MESSAGE);
const int = (min: number, max: number) => z.number({ error: 'expected an integer' }).int('expected an integer').min(min, `must be ≥ ${min}`).max(max, `must be ≤ ${max}`);
const jsonObject = (what: string) => z.record(z.string(), z.unknown(), { error: `expected ${what} (a mapping)` });

function uniqueList<T extends z.ZodType>(item: T, max: number) {
  return z
    .array(item, { error: 'expected a list' })
    .min(1, 'needs at least one value')
    .max(max, `at most ${max} values`)
    .superRefine((values, ctx) => {
      const seen = new Set<string>();
      values.forEach((value, index) => {
        const key = JSON.stringify(value);
        if (seen.has(key)) ctx.addIssue({ code: 'custom', path: [index], message: `repeats ${key}` });
        seen.add(key);
      });
    });
}

const modeNames = `${RUN_MODES.join(', ')} (or e2e, simultaneous, sequential)`;
const mode = z.string({ error: `expected one of ${modeNames}` }).transform((value, ctx) => {
  const upper = value.toUpperCase() as RunModeName;
  if ((RUN_MODES as readonly string[]).includes(upper)) return upper;
  const alias = MODE_ALIASES[value.toLowerCase()];
  if (alias) return alias;
  ctx.addIssue({ code: 'custom', message: `unknown mode "${value}"; expected one of ${modeNames}` });
  return z.NEVER;
});

const modelSize = z.string({ error: 'expected a preset name' }).min(1).max(50).superRefine((size, ctx) => {
  if (!(PRESET_NAMES as readonly string[]).includes(size)) {
    ctx.addIssue({ code: 'custom', message: `unknown model size ${JSON.stringify(size)} (known: ${PRESET_NAMES.join(', ')})` });
  }
});

/** The number of runs a sweep's factors expand into: E2E, which does not depend on K, is one run per (size, seed) evaluated at every K. */
export function runCount(factors: { modelSizes: readonly unknown[]; blocks: readonly unknown[]; modes: readonly string[]; seeds: readonly unknown[] }): number {
  const e2e = factors.modes.includes('E2E') ? 1 : 0;
  return factors.modelSizes.length * factors.seeds.length * (e2e + factors.blocks.length * (factors.modes.length - e2e));
}

export const sweepFactorsSchema = z.strictObject({
  modelSizes: uniqueList(modelSize, 20),
  blocks: uniqueList(int(1, 256), 50),
  modes: uniqueList(mode, 3),
  seeds: z.union([
    int(1, 1000).transform((count) => Array.from({ length: count }, (_, i) => i)),
    uniqueList(int(0, 2_147_483_647), 1000),
  ], { error: 'expected a list of seeds or a seed count' }),
}, { error: 'expected a mapping with modelSizes, blocks, modes and seeds' }).superRefine((factors, ctx) => {
  const runs = runCount(factors);
  if (runs > MAX_CELLS) ctx.addIssue({ code: 'custom', message: `expands to ${runs} runs; the limit is ${MAX_CELLS}` });
});

export const datasetSpecSchema = z.looseObject({ name: z.string({ error: 'the dataset needs a name' }).min(1) }, {
  error: 'must be a JSON object with a "name", e.g. { "name": "moving-mnist" }',
});

const overrides = jsonObject('trainer config overrides').superRefine((value, ctx) => {
  for (const key of Object.keys(value)) {
    if (key in FACTOR_KEYS) ctx.addIssue({ code: 'custom', path: [key], message: `is set by the sweep; use ${FACTOR_KEYS[key]}` });
    if (key === 'evaluation') ctx.addIssue({ code: 'custom', path: [key], message: 'use the evaluation field' });
  }
});

export const requirementsSchema = z.strictObject({
  backends: z.array(z.string().min(1).max(50)).max(10).optional(),
  labels: z.record(z.string().max(100), z.union([z.string().max(200), z.number(), z.boolean()])).optional(),
  gpu: z.boolean().optional(),
  devices: z.number().int().min(1).max(64).optional(),
}, { error: 'expected agent requirements (a mapping)' });

/** The fields of a sweep, for schemas that accept more on input (the CLI's sweep files). */
export const sweepSpecFields = {
  project: name,
  name,
  factors: sweepFactorsSchema,
  dataset: datasetSpecSchema.optional(),
  steps: int(1, 100_000_000).optional(),
  evaluation: jsonObject('evaluation settings').optional(),
  overrides: overrides.optional(),
  requirements: requirementsSchema.optional(),
  priority: int(-1000, 1000).optional(),
  maxAttempts: int(1, 20).optional(),
};

/** A sweep as createSweep takes it (CreateSweepInput); nulls of optional fields are read as absent. */
export const sweepSpecSchema = z.strictObject(sweepSpecFields);
export type SweepSpec = z.output<typeof sweepSpecSchema>;

export interface SweepIssue {
  /** The field, as `factors.seeds[1]` or `requirements.gpus`. */
  field: string;
  message: string;
}

/** A zod path as people write it: `factors.seeds[1]`. */
export function fieldPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '');
}

/** Checks a sweep; its canonical form, or every problem with the field it is about. */
export function checkSweepSpec(input: unknown): { ok: true; spec: SweepSpec } | { ok: false; issues: SweepIssue[] } {
  const withoutNulls = input && typeof input === 'object' && !Array.isArray(input)
    ? Object.fromEntries(Object.entries(input).filter(([, value]) => value !== null && value !== undefined))
    : input;
  const parsed = sweepSpecSchema.safeParse(withoutNulls);
  if (parsed.success) return { ok: true, spec: parsed.data };
  const issues = parsed.error.issues.flatMap((issue): SweepIssue[] => {
    const field = fieldPath(issue.path);
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ field: field ? `${field}.${key}` : key, message: 'unknown key' }));
    return [{ field, message: issue.message }];
  });
  return { ok: false, issues };
}
