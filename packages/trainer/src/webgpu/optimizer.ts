/**
 * One optimisation step's parameter updates on WebGPU, for every optimiser group at once:
 * gradient sums of squares (a few multi-tensor dispatches), then the AdamW updates in place
 * (a few more), guarded on the GPU by the step's losses — no read-back in between. The caller
 * reads the losses and the partial sums together afterwards (one read per step) and derives
 * each group's gradient norm from them.
 */
import * as tf from '@tensorflow/tfjs';
import type { AdamW } from '../optim/adamw.js';
import { allocate, dispatch, fold, gpuBackend } from './dispatch.js';
import { scalars } from './kernels.js';
import { adamwShader, sumSquaresShader, UPDATE_ELEMENTS_PER_GROUP } from './shaders/adamw.js';

export interface GroupUpdate {
  optimizer: AdamW;
  /** Gradients in the optimiser's parameter order. */
  grads: tf.Tensor[];
}

export interface GpuUpdateResult {
  /** [slots]: Σg² partial sums; group g's are slots [start, start + count). */
  partials: tf.Tensor1D;
  ranges: { start: number; count: number }[];
}

function chunks<T>(xs: T[], n: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

/** Storage buffers one dispatch may bind (the device's limit, as requested at start-up). */
function storageLimit(): number {
  return gpuBackend().device.limits.maxStorageBuffersPerShaderStage;
}

/**
 * Records the updates of all groups. `losses` [G] holds the step's losses: if any is
 * non-finite (or a group's gradient norm is), no parameter or moment changes. `t` of each
 * optimiser must already be the new step count.
 */
export function encodeGpuUpdates(groups: GroupUpdate[], losses: tf.Tensor1D, lr: number, clipNorm: number | null): GpuUpdateResult {
  const limit = storageLimit();
  const perSum = limit - 1; // inputs + the partials output
  const perUpdate = Math.floor((limit - 2) / 4); // (p, g, m, v) each + partials + losses
  if (perUpdate < 1) throw new Error(`the WebGPU device allows only ${limit} storage buffers per shader stage (need ≥ 6)`);
  const ranges: GpuUpdateResult['ranges'] = [];
  let slots = 0;
  for (const g of groups) {
    ranges.push({ start: slots, count: g.grads.length });
    slots += g.grads.length;
  }
  const partialInfo = allocate([slots]);

  groups.forEach((g, gi) => {
    let slot = ranges[gi]!.start;
    for (const part of chunks(g.grads, perSum)) {
      const n = part.length;
      dispatch(`sumsq-${n}`, sumSquaresShader(n), [...part.map((t) => ({ tensor: t })), { tensor: partialInfo, write: true }], scalars(slot, ...part.map((t) => t.size)), [n, 1, 1]);
      slot += n;
    }
  });

  groups.forEach((g, gi) => {
    const opt = g.optimizer;
    const { beta1, beta2, eps, weightDecay } = opt.cfg;
    const bc1 = 1 - Math.pow(beta1, opt.t);
    const bc2 = 1 - Math.pow(beta2, opt.t);
    const indices = opt.params.map((_, i) => i);
    for (const part of chunks(indices, perUpdate)) {
      const fields: (number | { f: number })[] = [];
      const bindings = [];
      let groupsSoFar = 0;
      for (const i of part) {
        const p = opt.params[i]!;
        fields.push(p.variable.size, groupsSoFar, { f: p.decay ? weightDecay : 0 });
        groupsSoFar += Math.ceil(p.variable.size / UPDATE_ELEMENTS_PER_GROUP);
        bindings.push({ tensor: p.variable, write: true }, { tensor: g.grads[i]! }, { tensor: opt.m[i]!, write: true }, { tensor: opt.v[i]!, write: true });
      }
      bindings.push({ tensor: partialInfo }, { tensor: losses });
      const range = ranges[gi]!;
      const uniforms = scalars({ f: lr }, { f: beta1 }, { f: beta2 }, { f: eps }, { f: bc1 }, { f: bc2 }, { f: clipNorm ?? 0 }, range.start, range.count, losses.size, ...fields);
      dispatch(`adamw-${part.length}`, adamwShader(part.length), bindings, uniforms, [...fold(groupsSoFar), 1]);
    }
  });
  const partials = tf.engine().makeTensorFromTensorInfo(partialInfo) as tf.Tensor1D;
  return { partials, ranges };
}
