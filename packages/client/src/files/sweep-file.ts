// The sweep file of `stratum sweep create -f`: YAML or JSON mirroring the API's CreateSweepInput,
// checked here field by field (with line numbers) before anything is sent. Conveniences: modes
// may use the trainer's names (e2e, simultaneous, sequential), `seeds: 3` means [0, 1, 2], and
// `dataset: moving-mnist` means { name: moving-mnist }. Cross-field rules that need the presets
// (K must divide the encoder depth, unknown presets) are the API's to check; its errors name the
// field too.
import { z } from 'zod';
import { MODE_ALIASES, RUN_MODES, type RunModeName } from './modes.js';
import { parseStructuredFile } from './structured-file.js';

/** The API's name rule (projects, sweeps, baselines). */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/;
const NAME_MESSAGE = 'names are 1–100 characters of letters, digits and _.:- starting with a letter or digit';

export { RUN_MODES, type RunModeName } from './modes.js';

const name = z.string({ error: 'expected a name (a string)' }).regex(NAME_PATTERN, NAME_MESSAGE);
const int = (min: number, max: number) => z.number({ error: 'expected an integer' }).int('expected an integer').min(min, `must be ≥ ${min}`).max(max, `must be ≤ ${max}`);

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

const mode = z
  .string({ error: `expected one of ${RUN_MODES.join(', ')} (or e2e, simultaneous, sequential)` })
  .transform((value, ctx) => {
    const upper = value.toUpperCase() as RunModeName;
    if ((RUN_MODES as readonly string[]).includes(upper)) return upper;
    const alias = MODE_ALIASES[value.toLowerCase()];
    if (alias) return alias;
    ctx.addIssue({ code: 'custom', message: `unknown mode "${value}"; expected one of ${RUN_MODES.join(', ')} (or e2e, simultaneous, sequential)` });
    return z.NEVER;
  });

const jsonObject = (what: string) => z.record(z.string(), z.unknown(), { error: `expected ${what} (a mapping)` });

export const sweepFileSchema = z.strictObject({
  project: name,
  name,
  factors: z.strictObject({
    modelSizes: uniqueList(z.string({ error: 'expected a preset name' }).min(1).max(50), 20),
    blocks: uniqueList(int(1, 256), 50),
    modes: uniqueList(mode, 3),
    seeds: z.union([
      int(1, 1000).transform((count) => Array.from({ length: count }, (_, i) => i)),
      uniqueList(int(0, 2_147_483_647), 1000),
    ], { error: 'expected a list of seeds or a seed count' }),
  }, { error: 'expected a mapping with modelSizes, blocks, modes and seeds' }),
  dataset: z.union([
    z.string().min(1).transform((datasetName) => ({ name: datasetName })),
    z.looseObject({ name: z.string({ error: 'the dataset needs a name' }).min(1) }),
  ], { error: 'expected a dataset name or a mapping { name, …options }' }).optional(),
  steps: int(1, 100_000_000).optional(),
  evaluation: jsonObject('evaluation settings').optional(),
  overrides: jsonObject('trainer config overrides').optional(),
  requirements: jsonObject('agent requirements').optional(),
  priority: int(-1000, 1000).optional(),
  maxAttempts: int(1, 20).optional(),
});

/** A validated sweep, ready to send as CreateSweepInput. */
export type SweepSpec = z.output<typeof sweepFileSchema>;

/** Parses and validates a sweep file's text; throws FileValidationError (line, column, field). */
export function parseSweepFile(text: string, file: string): SweepSpec {
  return parseStructuredFile(text, file, sweepFileSchema);
}

/**
 * The number of runs a sweep expands into: one per combination of factors, except that E2E,
 * which does not depend on K, is one run per (size, seed) evaluated at every K.
 */
export function cellCount(spec: SweepSpec): number {
  const f = spec.factors;
  const e2e = f.modes.includes('E2E') ? 1 : 0;
  return f.modelSizes.length * f.seeds.length * (e2e + f.blocks.length * (f.modes.length - e2e));
}
