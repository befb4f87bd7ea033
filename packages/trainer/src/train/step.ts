/**
 * One optimisation step in each regime.
 *
 * - E2E: one loss (the decoder on block K), gradients through the whole encoder.
 * - Simultaneous: one forward pass; block k's output is handed to block k+1 as a fresh leaf
 *   (it leaves block k's gradient tape), which is the stop-gradient: block k and decoder k
 *   get gradients from L_k only, and no backward pass runs through earlier blocks.
 * - Sequential, stage s: blocks < s run forward only (frozen, outside any tape); block s and
 *   decoder s train on L_s; later blocks are not computed.
 *
 * All losses of a step are read together and checked before any parameter changes, so a
 * non-finite loss throws TrainingDivergedError with the weights of the previous step intact
 * (on WebGPU the check runs inside the update kernels, and the read follows them).
 */
import * as tf from '@tensorflow/tfjs';
import type { Regime } from '@stratum/run-config';
import { TrainingDivergedError } from '../errors.js';
import type { MaskedInputs } from '../model/inputs.js';
import type { VideoMae } from '../model/mae.js';
import type { AdamW } from '../optim/adamw.js';
import { webgpuKernelsActive } from '../webgpu/kernels.js';
import { encodeGpuUpdates } from '../webgpu/optimizer.js';

export interface BlockValue {
  /** 1-based block; null for the E2E loss (the whole model). */
  block: number | null;
  value: number;
}

export interface StepResult {
  losses: BlockValue[];
  /**
   * The trivial predictor's loss beside each loss (same blocks): every masked patch predicted
   * as zero in normalised-target space (its own mean), i.e. the mean squared normalised target
   * on this step's masks. A model that learned nothing beyond it sits on this line.
   */
  trivial: BlockValue[];
  gradNorms: BlockValue[];
}

export interface StepContext {
  model: VideoMae;
  /** One optimiser per group (K for blockwise, 1 for E2E). */
  optimizers: AdamW[];
  regime: Regime;
  /** 0-based stage (sequential only). */
  stage: number;
  lr: number;
  clipNorm: number | null;
  /** 1-based global step, for error messages. */
  step: number;
}

/** One optimiser group's loss and gradients (keyed by parameter name); caller disposes. */
export interface GroupGrads {
  /** 0-based group (= block index in blockwise regimes; 0 for E2E). */
  group: number;
  loss: tf.Scalar;
  grads: tf.NamedTensorMap;
}

/** Gradients of `f` w.r.t. group g's variables, keyed by parameter name. */
function groupGrads(model: VideoMae, group: number, f: () => tf.Scalar): GroupGrads {
  const params = model.params.list(model.groups === 1 ? undefined : group);
  const byVariable = new Map(params.map((p) => [p.variable.name, p.name]));
  const { value, grads } = tf.variableGrads(f, params.map((p) => p.variable));
  const named: tf.NamedTensorMap = {};
  for (const [varName, g] of Object.entries(grads)) named[byVariable.get(varName)!] = g;
  return { group, loss: value, grads: named };
}

/** The losses and gradients one step of `regime` (at `stage`, if sequential) computes. */
export function regimeGradients(model: VideoMae, regime: Regime, stage: number, inputs: MaskedInputs): GroupGrads[] {
  const embed = () => model.embedTokens(inputs.visiblePatches, inputs.encoderPos);
  if (regime === 'e2e') {
    return [groupGrads(model, 0, () => model.forward(inputs))];
  }
  const K = model.blocks;
  const first = regime === 'sequential' ? stage : 0;
  const last = regime === 'sequential' ? stage : K - 1;
  // Frozen prefix (sequential): plain forward, no tape, so no gradient can reach it.
  let h: tf.Tensor2D | null = first === 0 ? null : tf.tidy(() => {
    let x = embed();
    for (let k = 0; k < first; k++) x = model.encodeBlock(k, x, inputs.seq);
    return x;
  });
  const out: GroupGrads[] = [];
  for (let k = first; k <= last; k++) {
    const input = h;
    let next: tf.Tensor2D | null = null;
    out.push(
      groupGrads(model, k, () => {
        const x = model.encodeBlock(k, input ?? embed(), inputs.seq);
        if (k < last) next = tf.keep(x); // stop-gradient: the next block gets it as a leaf
        return model.blockLoss(k, x, inputs);
      }),
    );
    input?.dispose();
    h = next;
  }
  return out;
}

/** The trivial predictor's loss on these inputs: mean of the squared normalised targets → []. */
export function trivialLoss(inputs: MaskedInputs): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.square(inputs.targets)) as tf.Scalar);
}

/** Throws TrainingDivergedError for the first non-finite loss (or gradient norm). */
function checkFinite(step: number, losses: BlockValue[], gradNorms: BlockValue[]): void {
  for (const l of losses) if (!Number.isFinite(l.value)) throw new TrainingDivergedError(step, l.block, l.value);
  for (const g of gradNorms) if (!Number.isFinite(g.value)) throw new TrainingDivergedError(step, g.block, g.value, 'gradient norm');
}

/**
 * WebGPU: every group's update is recorded behind the losses with no read in between (the
 * update kernels themselves skip a step whose losses are not finite), then the losses and the
 * gradient partial sums come back in one read.
 */
async function gpuStep(ctx: StepContext, passes: GroupGrads[], blockwise: boolean, trivial: tf.Scalar): Promise<StepResult> {
  const groups = passes.map((p) => {
    const optimizer = ctx.optimizers[blockwise ? p.group : 0]!;
    return { optimizer, grads: optimizer.params.map((param) => p.grads[param.name]!) };
  });
  for (const g of groups) g.optimizer.t += 1;
  const losses = tf.stack(passes.map((p) => p.loss)) as tf.Tensor1D;
  const { partials, ranges } = encodeGpuUpdates(groups, losses, ctx.lr, ctx.clipNorm);
  const trivialRow = tf.reshape(trivial, [1]);
  const both = tf.concat([losses, partials, trivialRow]);
  const values = await both.data();
  tf.dispose([losses, partials, both, trivialRow]);
  const G = passes.length;
  const trivialValue = values[values.length - 1]!;
  const lossValues = passes.map((p, i) => ({ block: blockwise ? p.group + 1 : null, value: values[i]! }));
  const gradNorms = ranges.map((r, i) => {
    let sq = 0;
    for (let s = r.start; s < r.start + r.count; s++) sq += values[G + s]!;
    return { block: lossValues[i]!.block, value: Math.sqrt(sq) };
  });
  try {
    checkFinite(ctx.step, lossValues, gradNorms);
  } catch (e) {
    for (const g of groups) g.optimizer.t -= 1; // the kernels skipped the update
    throw e;
  }
  return { losses: lossValues, trivial: lossValues.map((l) => ({ block: l.block, value: trivialValue })), gradNorms };
}

/**
 * One step: losses and gradients, then the updates. Reads the device once (the losses, and the
 * gradient norms with them where the backend computes those on the device).
 */
export async function trainStep(ctx: StepContext, inputs: MaskedInputs): Promise<StepResult> {
  const blockwise = ctx.regime !== 'e2e';
  const trivial = trivialLoss(inputs);
  const passes = regimeGradients(ctx.model, ctx.regime, ctx.stage, inputs);
  try {
    if (webgpuKernelsActive()) return await gpuStep(ctx, passes, blockwise, trivial);
    const stacked = tf.stack([...passes.map((p) => p.loss), trivial]);
    const values = await stacked.data(); // one read for all blocks and the trivial reference
    stacked.dispose();
    const losses = passes.map((p, i) => ({ block: blockwise ? p.group + 1 : null, value: values[i]! }));
    const trivialValue = values[passes.length]!;
    checkFinite(ctx.step, losses, []);
    const gradNorms: BlockValue[] = [];
    for (const p of passes) {
      const value = await ctx.optimizers[blockwise ? p.group : 0]!.step(p.grads, ctx.lr, ctx.clipNorm);
      gradNorms.push({ block: blockwise ? p.group + 1 : null, value });
    }
    return { losses, trivial: losses.map((l) => ({ block: l.block, value: trivialValue })), gradNorms };
  } finally {
    trivial.dispose();
    for (const p of passes) tf.dispose([p.loss, ...Object.values(p.grads)]);
  }
}
