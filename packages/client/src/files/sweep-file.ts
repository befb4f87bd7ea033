// The sweep file of `stratum sweep create -f`: YAML or JSON of @stratum/run-config's sweep
// schema (the one the API checks createSweep with), checked here field by field, with line
// numbers, before anything is sent. The schema itself takes the trainer's mode names (e2e,
// simultaneous, sequential) and `seeds: 3` for [0, 1, 2]; a file may also name its dataset
// alone (`dataset: moving-mnist` for { name: moving-mnist }). Whether K divides each preset's
// depth is checked by the API per expanded run; its errors name the field too.
import { z } from 'zod';
import { datasetSpecSchema, runCount, sweepSpecFields, type SweepSpec } from '@stratum/run-config';
import { parseStructuredFile } from './structured-file.js';

export { NAME_PATTERN, RUN_MODES, type RunModeName, type SweepSpec } from '@stratum/run-config';

export const sweepFileSchema = z.strictObject({
  ...sweepSpecFields,
  dataset: z.union([
    z.string().min(1).transform((datasetName) => ({ name: datasetName })),
    datasetSpecSchema,
  ], { error: 'expected a dataset name or a mapping { name, …options }' }).optional(),
});

/** Parses and validates a sweep file's text; throws FileValidationError (line, column, field). */
export function parseSweepFile(text: string, file: string): SweepSpec {
  return parseStructuredFile(text, file, sweepFileSchema);
}

/**
 * The number of runs a sweep expands into: one per combination of factors, except that E2E,
 * which does not depend on K, is one run per (size, seed) evaluated at every K.
 */
export function cellCount(spec: SweepSpec): number {
  return runCount(spec.factors);
}
