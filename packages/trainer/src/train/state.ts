/**
 * Training state ⇄ checkpoint bytes: weights, AdamW moments and step counts, the global step,
 * the stage, and the masking PRNG (the data order is a pure function of (seed, step), see
 * @stratum/datasets batchStream). Restoring all of it continues the exact loss curve.
 */
import * as tf from '@tensorflow/tfjs';
import { decodeCheckpoint, encodeCheckpoint, type DecodedCheckpoint, type NamedValues } from '../checkpoint.js';
import { resolveRunConfig, type RunConfig } from '@stratum/run-config';
import { CheckpointError } from '../errors.js';
import { VideoMae } from '../model/mae.js';
import type { AdamW } from '../optim/adamw.js';
import type { Prng } from '@stratum/stats';

export interface TrainingState {
  config: RunConfig;
  model: VideoMae;
  optimizers: AdamW[];
  step: number;
  stage: number;
  maskRng: Prng;
  backend: string;
}

/** Read asynchronously: GPU backends cannot read synchronously in Node (WebGPU throws). */
async function values(v: tf.Variable): Promise<NamedValues['values']> {
  return (await v.data()) as Float32Array; // on cpu this is the backend's own buffer: read only
}

export async function saveState(s: TrainingState): Promise<Uint8Array> {
  const named: { name: string; variable: tf.Variable }[] = s.model.params.list().map((p) => ({ name: `param/${p.name}`, variable: p.variable }));
  s.optimizers.forEach((opt, g) =>
    opt.params.forEach((p, i) => {
      named.push({ name: `adamw/${g}/m/${p.name}`, variable: opt.m[i]! });
      named.push({ name: `adamw/${g}/v/${p.name}`, variable: opt.v[i]! });
    }),
  );
  const tensors: NamedValues[] = await Promise.all(named.map(async (n) => ({ name: n.name, shape: n.variable.shape, values: await values(n.variable) })));
  return encodeCheckpoint(
    {
      config: s.config,
      step: s.step,
      stage: s.stage,
      rng: { mask: s.maskRng.getState() },
      optimizers: s.optimizers.map((o, group) => ({ group, t: o.t })),
      backend: s.backend,
    },
    tensors,
  );
}

function assign(v: tf.Variable, entry: NamedValues | undefined, name: string): void {
  if (!entry) throw new CheckpointError(`checkpoint has no tensor ${name}`);
  if (entry.shape.join('x') !== v.shape.join('x')) {
    throw new CheckpointError(`tensor ${name}: checkpoint shape [${entry.shape}] but model shape [${v.shape}]`);
  }
  tf.tidy(() => v.assign(tf.tensor(entry.values, entry.shape, 'float32')));
}

/** Loads the weights of a decoded checkpoint into `model` (shapes and names must match). */
export function loadWeights(model: VideoMae, ckpt: DecodedCheckpoint): void {
  for (const p of model.params.list()) assign(p.variable, ckpt.tensors.get(`param/${p.name}`), `param/${p.name}`);
}

/** JSON with object keys sorted, so key order never makes two configs differ. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : x,
  );
}

/** Fields that may differ between a checkpoint's config and the run resuming it. */
const RESUMABLE_DIFFERENCES = new Set(['checkpointEvery', 'logEvery', 'backend']);

/** Restores optimiser state, step and RNG into a freshly built state (same config). */
export function restoreState(s: TrainingState, bytes: Uint8Array): { step: number; stage: number; maskRngState: number[] } {
  const ckpt = decodeCheckpoint(bytes);
  const saved = resolveRunConfig(ckpt.header.config);
  for (const key of Object.keys(saved) as (keyof RunConfig)[]) {
    if (RESUMABLE_DIFFERENCES.has(key)) continue;
    if (canonical(saved[key]) !== canonical(s.config[key])) {
      throw new CheckpointError(`cannot resume: config field "${key}" differs (checkpoint ${JSON.stringify(saved[key])}, run ${JSON.stringify(s.config[key])})`);
    }
  }
  loadWeights(s.model, ckpt);
  if (ckpt.header.optimizers.length !== s.optimizers.length) throw new CheckpointError('checkpoint has a different number of optimiser groups');
  s.optimizers.forEach((opt, g) => {
    opt.t = ckpt.header.optimizers[g]!.t;
    opt.params.forEach((p, i) => {
      assign(opt.m[i]!, ckpt.tensors.get(`adamw/${g}/m/${p.name}`), `adamw/${g}/m/${p.name}`);
      assign(opt.v[i]!, ckpt.tensors.get(`adamw/${g}/v/${p.name}`), `adamw/${g}/v/${p.name}`);
    });
  });
  return { step: ckpt.header.step, stage: ckpt.header.stage, maskRngState: ckpt.header.rng.mask };
}

/** A model with a checkpoint's weights (for embedding and evaluation). Caller disposes it. */
export function modelFromCheckpoint(bytes: Uint8Array): { model: VideoMae; config: RunConfig; step: number } {
  const ckpt = decodeCheckpoint(bytes);
  const config = resolveRunConfig(withStoredInputNorm(ckpt.header.config));
  const model = buildModel(config);
  try {
    loadWeights(model, ckpt);
  } catch (e) {
    model.dispose();
    throw e;
  }
  return { model, config, step: ckpt.header.step };
}

/** A checkpoint written before input normalisation existed was trained on raw pixels: keep them
 * raw (mean 0, std 1) rather than applying today's defaults to its weights. */
function withStoredInputNorm(stored: unknown): unknown {
  if (!stored || typeof stored !== 'object') return stored;
  const model = (stored as { model?: Record<string, unknown> }).model;
  if (!model || typeof model !== 'object' || 'inputMean' in model) return stored;
  const channels = typeof model.channels === 'number' ? model.channels : 1;
  return { ...stored, model: { ...model, inputMean: Array(channels).fill(0), inputStd: Array(channels).fill(1) } };
}

export function buildModel(config: RunConfig): VideoMae {
  return new VideoMae(config.model, { blocks: config.blocks, decoders: config.regime === 'e2e' ? 'one' : 'per-block', seed: config.seed });
}
