// The agent's evaluation settings (the run config's optional `evaluation` key) and the
// evaluation sets they derive from the training dataset.
import type { DatasetSpec } from '@stratum/datasets';
import type { RunConfig } from '@stratum/run-config';
import { z } from 'zod';
import { JobConfigError } from './errors.js';

/** Seeds every default evaluation set: the same clips for every run, whatever the run's seed. */
export const EVALUATION_SEED = 1_000_003;

const settingsSchema = z.strictObject({
  enabled: z.boolean().default(true).describe('run the suite at the end of training'),
  clips: z.number().int().min(8).max(20_000).default(256).describe('size of the fixed evaluation set'),
  tokenClips: z.number().int().min(0).max(20_000).default(64).describe('clips whose token features feed the patch diagnostics'),
  layers: z.boolean().default(false).describe('also evaluate after every encoder layer'),
  occlusion: z.boolean().optional().describe('OccDrop (one patch kept); default on for gratings datasets'),
  everySteps: z.number().int().min(1).nullable().default(null).describe('also evaluate at checkpoints whose step is a multiple of this'),
  folds: z.number().int().min(2).max(10).default(3).describe('stratified CV folds of the linear probes'),
  seed: z.number().int().default(0).describe('seeds the probe folds and the reconstruction masks'),
  partitions: z
    .array(z.number().int().min(1).max(64))
    .min(1)
    .max(16)
    .optional()
    .describe("K values whose block boundaries are evaluated (default: the run's K); a sweep sets every K of the sweep for its one E2E run per size and seed"),
  dataset: z.looseObject({ name: z.string().min(1) }).optional().describe('an explicit evaluation dataset spec (default: derived from the training one)'),
  // Folder runs with a split list (UCF101 layout): the paper's protocol, a probe fit on train-split
  // features and scored on a held-out part of the test split, repeated.
  testSplitFile: z.string().min(1).optional().describe('the test split list of a folder run (default: the training list with train → test, e.g. testlist01.txt)'),
  testFraction: z.number().gt(0).max(1).default(0.3).describe('part of each class of the test split evaluated; the paper uses 30%'),
  repeats: z.number().int().min(1).max(10).default(3).describe('train → test probe repeats (fresh train crops and test subset each); the paper repeats 3 times'),
  trainClips: z.number().int().min(2).nullable().default(null).describe('cap on the train-split clips the probe is fit on, class-balanced (default: the whole split, as the paper)'),
  datasets: z
    .array(z.looseObject({ name: z.string().min(1) }))
    .max(8)
    .optional()
    .describe("further evaluation sets in the same job, each stored under its own dataset name; default for an RGB folder run: single and double gratings at the model's clip shape (the paper's low-level and relational families next to action)"),
});

export type EvaluationSettings = z.infer<typeof settingsSchema>;

/** Parses the run config's optional `evaluation` key; a bad one is a config error (not retried). */
export function evaluationSettings(raw: unknown): EvaluationSettings {
  const parsed = settingsSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `evaluation.${i.path.join('.')}: ${i.code === 'unrecognized_keys' ? `unknown key(s) ${i.keys.join(', ')}` : i.message}`);
    throw new JobConfigError(`invalid evaluation settings: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/**
 * The fixed evaluation set for a training dataset: held-out digits (Moving MNIST's test split)
 * or held-out texture clips, with a fixed seed; a fixed balanced subsample of the grating grids; a folder's clips in
 * evaluation mode (centre clip, centre crop), from its test split when it has one (the
 * comparison job's set; the folder suite itself streams, see folder-evaluation.ts).
 * `settings.dataset` overrides all of this.
 */
export function evaluationDatasetSpec(train: DatasetSpec, settings: EvaluationSettings): DatasetSpec {
  if (settings.dataset) return settings.dataset as DatasetSpec;
  switch (train.name) {
    case 'moving-mnist':
    case 'textures':
      return { ...train, split: 'test', seed: EVALUATION_SEED, count: settings.clips };
    case 'gratings':
    case 'double-gratings':
      return { ...train, seed: EVALUATION_SEED, maxClips: settings.clips };
    case 'folder': {
      // Held-out videos where the folder has a test split (as the probe protocol uses), else the training ones.
      const testSplit = testSplitFor(train, settings);
      if (testSplit) return { ...train, splitFile: testSplit, mode: 'eval', fraction: settings.testFraction, seed: EVALUATION_SEED, maxClips: settings.clips };
      return { ...train, mode: 'eval', maxClips: settings.clips };
    }
    default:
      return train;
  }
}

export function evaluationDatasetName(spec: DatasetSpec): string {
  const split = spec.name === 'moving-mnist' || spec.name === 'textures' ? (spec.split ?? 'train') : spec.name === 'folder' ? (spec.mode ?? 'eval') : 'grid';
  return `${spec.name}/${split}`;
}

/**
 * The evaluation sets besides the main one: `evaluation.datasets` (each completed with the
 * fixed evaluation seed and `clips`), by default single and double gratings for an RGB folder
 * run, rendered at the model's clip shape.
 */
export function extraDatasetSpecs(config: RunConfig, settings: EvaluationSettings): DatasetSpec[] {
  const m = config.model;
  const fixed = { seed: EVALUATION_SEED, maxClips: settings.clips };
  if (settings.datasets) return settings.datasets.map((d) => (d.name === 'folder' ? { mode: 'eval', maxClips: settings.clips, ...d } : { ...fixed, ...d }) as DatasetSpec);
  if (config.dataset.name !== 'folder' || m.channels !== 3 || m.height !== m.width) return [];
  return [
    { name: 'gratings', size: m.height, frames: m.frames, ...fixed },
    { name: 'double-gratings', size: m.height, frames: m.frames, ...fixed },
  ];
}

/**
 * The test split list of a folder run: `evaluation.testSplitFile`, else the training list with
 * "train" → "test" in its file name (UCF101: trainlist01.txt → testlist01.txt); null if neither.
 */
export function testSplitFor(train: { splitFile?: string }, settings: EvaluationSettings): string | null {
  if (settings.testSplitFile) return settings.testSplitFile;
  if (!train.splitFile) return null;
  const slash = Math.max(train.splitFile.lastIndexOf('/'), train.splitFile.lastIndexOf('\\'));
  const dir = train.splitFile.slice(0, slash + 1);
  const file = train.splitFile.slice(slash + 1);
  if (!/train/i.test(file)) return null;
  return dir + file.replace(/train/i, (m) => (m === 'TRAIN' ? 'TEST' : m[0] === 'T' ? 'Test' : 'test'));
}
