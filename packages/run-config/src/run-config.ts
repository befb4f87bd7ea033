/**
 * The run configuration: one typed, validated object holding every hyper-parameter, with a
 * default and a one-line reason for each. Unknown keys are errors.
 */
import type { DatasetSpec } from '@stratum/datasets';
import { z } from 'zod';
import { PRESETS, PRESET_NAMES, defaultInputNorm, isCpuPreset, modelFieldSchemas, type ModelConfig, type PresetName } from './presets.js';

export const REGIMES = ['e2e', 'simultaneous', 'sequential'] as const;
export type Regime = (typeof REGIMES)[number];

export const BACKEND_CHOICES = ['auto', 'tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
/** The order `auto` tries backends in (webgpu only on a hardware adapter). */
export const AUTO_BACKEND_ORDER = ['tensorflow-gpu', 'webgpu', 'tensorflow', 'wasm', 'cpu'] as const satisfies readonly Exclude<BackendChoice, 'auto'>[];

export interface OptimizerConfig {
  lr: number;
  minLr: number;
  warmupSteps: number;
  weightDecay: number;
  betas: [number, number];
  eps: number;
  /** Global-norm clipping threshold (per block in blockwise regimes); null disables it. */
  clipNorm: number | null;
}

export interface RunConfig {
  preset: PresetName;
  model: ModelConfig;
  regime: Regime;
  /** K: encoder blocks. Blockwise regimes train one decoder per block; E2E keeps K as the
   * partition its block-boundary features are reported at, with one decoder on block K. */
  blocks: number;
  seed: number;
  dataset: DatasetSpec;
  /** Optimisation steps per parameter: E2E and simultaneous run `steps`, sequential K·steps. */
  steps: number;
  batchSize: number;
  optimizer: OptimizerConfig;
  /** Global steps between checkpoints (0: only the final one). */
  checkpointEvery: number;
  /** Global steps between metric points. */
  logEvery: number;
  backend: BackendChoice;
}

const optimizerFields = {
  lr: z.number().gt(0).describe('peak learning rate; 1e-4 in the paper, 1e-3 for the short CPU runs'),
  minLr: z.number().min(0).describe("cosine floor; VideoMAE's default 1e-5"),
  warmupSteps: z.number().int().min(0).describe('linear warm-up; default 5% of the steps (VideoMAE: 40 of 800 epochs)'),
  weightDecay: z.number().min(0).describe('decoupled weight decay 0.05 as in the paper; none on biases, norms, mask token'),
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).describe("Adam betas (0.9, 0.95), VideoMAE's"),
  eps: z.number().gt(0).describe("Adam epsilon 1e-8, PyTorch's default"),
  clipNorm: z.number().gt(0).nullable().describe('global-norm clipping; off by default as in VideoMAE pre-training'),
};

const datasetSchema = z
  .looseObject({ name: z.string().min(1) })
  .describe('a @stratum/datasets spec { name, …options }; its options are checked when the dataset is built');

/** What a caller may write: every field optional, no unknown keys anywhere. */
export const runConfigInputSchema = z.strictObject({
  preset: z.enum(PRESET_NAMES).default('nano').describe('model size; nano/micro run on a CPU, tiny/small are the paper'),
  model: z.strictObject(modelFieldSchemas).partial().optional().describe('overrides of any preset field'),
  regime: z.enum(REGIMES).default('e2e').describe('e2e baseline, or blockwise simultaneous / sequential'),
  blocks: z.number().int().min(1).optional().describe('K; default: 3 layers per block as the paper\'s K=4 at depth 12 (1 for e2e)'),
  seed: z.number().int().default(0).describe('seeds initialisation, masking and data order'),
  dataset: datasetSchema.optional(),
  steps: z.number().int().min(1).optional().describe('steps per parameter; CPU presets 300, paper presets ≈150 epochs of UCF101'),
  batchSize: z.number().int().min(1).optional().describe('clips per step; 32 (VideoMAE per-GPU batch; keeps CPU matmuls large)'),
  optimizer: z.strictObject(optimizerFields).partial().optional(),
  checkpointEvery: z.number().int().min(0).optional().describe('default: a tenth of the run'),
  logEvery: z.number().int().min(1).optional().describe('default 1 (the loss is read every step anyway to catch divergence)'),
  backend: z.enum(BACKEND_CHOICES).default('auto').describe('tensorflow-gpu → webgpu (hardware adapters only) → tensorflow → wasm → cpu for auto'),
});
export type RunConfigInput = z.input<typeof runConfigInputSchema>;

export interface ConfigIssue {
  /** Dotted path of the offending field, e.g. `model.heads`. */
  path: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(`invalid run config:\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function zodIssues(error: z.ZodError): ConfigIssue[] {
  const out: ConfigIssue[] = [];
  for (const issue of error.issues) {
    const base = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: base ? `${base}.${key}` : key, message: 'unknown key' });
    } else {
      out.push({ path: base, message: issue.message });
    }
  }
  return out;
}

/** Validates `input`, fills defaults from the preset, and checks cross-field constraints. */
export function resolveRunConfig(input: unknown): RunConfig {
  const parsed = runConfigInputSchema.safeParse(input ?? {});
  if (!parsed.success) throw new ConfigError(zodIssues(parsed.error));
  const raw = parsed.data;
  const issues: ConfigIssue[] = [];
  const cpu = isCpuPreset(raw.preset);

  const model: ModelConfig = { ...PRESETS[raw.preset](), ...(raw.model ?? {}) } as ModelConfig;
  if (raw.model?.channels !== undefined) {
    // The preset's input statistics are for its own channel count.
    const norm = defaultInputNorm(model.channels);
    model.inputMean = raw.model.inputMean ?? norm.inputMean;
    model.inputStd = raw.model.inputStd ?? norm.inputStd;
  }
  checkModel(model, issues);

  const regime = raw.regime;
  const blocks = raw.blocks ?? (regime === 'e2e' ? 1 : Math.max(1, Math.round(model.depth / 3)));
  if (model.depth % blocks !== 0) {
    issues.push({ path: 'blocks', message: `K=${blocks} must divide the encoder depth ${model.depth}` });
  }

  const steps = raw.steps ?? (cpu ? 300 : 45_000);
  const totalSteps = regime === 'sequential' ? blocks * steps : steps;
  const lr = raw.optimizer?.lr ?? (cpu ? 1e-3 : 1e-4);
  const optimizer: OptimizerConfig = {
    lr,
    minLr: raw.optimizer?.minLr ?? Math.min(1e-5, lr),
    warmupSteps: raw.optimizer?.warmupSteps ?? Math.round(0.05 * steps),
    weightDecay: raw.optimizer?.weightDecay ?? 0.05,
    betas: raw.optimizer?.betas ?? [0.9, 0.95],
    eps: raw.optimizer?.eps ?? 1e-8,
    clipNorm: raw.optimizer?.clipNorm ?? null,
  };
  if (optimizer.minLr > optimizer.lr) issues.push({ path: 'optimizer.minLr', message: `must not exceed lr (${optimizer.lr})` });
  if (optimizer.warmupSteps > steps) {
    issues.push({ path: 'optimizer.warmupSteps', message: `must not exceed the steps per parameter (${steps})` });
  }

  let dataset = raw.dataset as DatasetSpec | undefined;
  if (!dataset) {
    if (model.channels === 1 && model.height === model.width) {
      dataset = { name: 'moving-mnist', frames: model.frames, size: model.height };
    } else {
      issues.push({ path: 'dataset', message: `required for ${model.channels}-channel ${model.height}×${model.width} clips (e.g. { "name": "folder", "root": "…" })` });
    }
  }

  if (issues.length > 0) throw new ConfigError(issues);
  return {
    preset: raw.preset,
    model,
    regime,
    blocks,
    seed: raw.seed,
    dataset: dataset!,
    steps,
    batchSize: raw.batchSize ?? 32,
    optimizer,
    checkpointEvery: raw.checkpointEvery ?? Math.max(1, Math.round(totalSteps / 10)),
    logEvery: raw.logEvery ?? (cpu ? 1 : 10),
    backend: raw.backend,
  };
}

function checkModel(m: ModelConfig, issues: ConfigIssue[]): void {
  const [tt, th, tw] = m.tubelet;
  if (m.frames % tt !== 0) issues.push({ path: 'model.tubelet', message: `t=${tt} must divide frames=${m.frames}` });
  if (m.height % th !== 0) issues.push({ path: 'model.tubelet', message: `h=${th} must divide height=${m.height}` });
  if (m.width % tw !== 0) issues.push({ path: 'model.tubelet', message: `w=${tw} must divide width=${m.width}` });
  if (m.embedDim % m.heads !== 0) issues.push({ path: 'model.heads', message: `must divide embedDim=${m.embedDim}` });
  if (m.decoderDim % m.decoderHeads !== 0) {
    issues.push({ path: 'model.decoderHeads', message: `must divide decoderDim=${m.decoderDim}` });
  }
  if (m.embedDim % 2 !== 0) issues.push({ path: 'model.embedDim', message: 'must be even (sin/cos position table)' });
  if (m.decoderDim % 2 !== 0) issues.push({ path: 'model.decoderDim', message: 'must be even (sin/cos position table)' });
  for (const key of ['inputMean', 'inputStd'] as const) {
    if (m[key].length !== m.channels) issues.push({ path: `model.${key}`, message: `has ${m[key].length} values for ${m.channels} channels` });
  }
  const spatial = Math.floor(m.height / th) * Math.floor(m.width / tw);
  const masked = Math.floor(m.maskRatio * spatial);
  if (masked < 1 || masked >= spatial) {
    issues.push({ path: 'model.maskRatio', message: `masks ${masked} of ${spatial} spatial positions; at least one must be masked and one visible` });
  }
}
