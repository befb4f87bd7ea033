/**
 * Parameters as named tf.variables, without tf.layers: each knows its optimiser group (the
 * encoder block it trains with) and whether it takes weight decay. Initial values are drawn
 * from the seeded stream (@stratum/stats' Prng) in JS, so a seed gives identical weights on every backend.
 *
 * Initialisation follows VideoMAE: xavier-uniform linear weights with zero biases, LayerNorm
 * ones/zeros, mask token trunc-normal(0.02). The tubelet embedding is a Conv3d in VideoMAE,
 * which its init hook skips, so it keeps PyTorch's default conv init: U(±1/√fan_in) for both
 * weight and bias; we reproduce that for our equivalent linear.
 */
import * as tf from '@tensorflow/tfjs';
import type { Prng } from '@stratum/stats';

export interface Param {
  name: string;
  variable: tf.Variable;
  /** Optimiser group: the 0-based encoder block this parameter trains with (0 for E2E). */
  group: number;
  /** Decoupled weight decay applies (weight matrices only; not biases, norms, mask token). */
  decay: boolean;
}

export class ParamStore {
  private readonly params = new Map<string, Param>();

  add(name: string, shape: number[], values: Float32Array, group: number, decay: boolean): tf.Variable {
    if (this.params.has(name)) throw new Error(`duplicate parameter ${name}`);
    const initial = tf.tensor(values, shape, 'float32');
    const variable = tf.variable(initial, true, `stratum/${name}/${uid++}`);
    initial.dispose(); // the variable holds its own reference to the data
    this.params.set(name, { name, variable, group, decay });
    return variable;
  }

  get(name: string): tf.Variable {
    const p = this.params.get(name);
    if (!p) throw new Error(`unknown parameter ${name}`);
    return p.variable;
  }

  /** All parameters in creation order (stable: checkpoints and optimisers rely on it). */
  list(group?: number): Param[] {
    const all = [...this.params.values()];
    return group === undefined ? all : all.filter((p) => p.group === group);
  }

  dispose(): void {
    for (const p of this.params.values()) p.variable.dispose();
    this.params.clear();
  }
}

let uid = 0;

export function xavierUniform(rng: Prng, fanIn: number, fanOut: number): Float32Array {
  const bound = Math.sqrt(6 / (fanIn + fanOut));
  return uniform(rng, fanIn * fanOut, bound);
}

export function uniform(rng: Prng, n: number, bound: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * rng.nextFloat() - 1) * bound;
  return out;
}

/** timm's trunc_normal_(std) with its absolute bounds [-2, 2] (resampled outside them). */
export function truncNormal(rng: Prng, n: number, std: number, lo = -2, hi = 2): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v: number;
    do v = rng.normal() * std;
    while (v < lo || v > hi);
    out[i] = v;
  }
  return out;
}

export function filled(n: number, value: number): Float32Array {
  return new Float32Array(n).fill(value);
}

export interface LinearParams {
  w: tf.Variable; // [in, out]
  b: tf.Variable | null; // [out]
}

/** A linear layer `name.weight` [in, out] (xavier-uniform) and `name.bias` [out] (zeros). */
export function addLinear(store: ParamStore, rng: Prng, name: string, fanIn: number, fanOut: number, group: number, bias = true, init: 'xavier' | 'zero' = 'xavier'): LinearParams {
  // The Xavier draw is taken either way, so the rest of the model's initialisation does not depend on `init`.
  const xavier = xavierUniform(rng, fanIn, fanOut);
  const w = store.add(`${name}.weight`, [fanIn, fanOut], init === 'zero' ? filled(fanIn * fanOut, 0) : xavier, group, true);
  const b = bias ? store.add(`${name}.bias`, [fanOut], filled(fanOut, 0), group, false) : null;
  return { w, b };
}

export interface NormParams {
  g: tf.Variable;
  b: tf.Variable;
}

export function addNorm(store: ParamStore, name: string, dim: number, group: number): NormParams {
  return { g: store.add(`${name}.weight`, [dim], filled(dim, 1), group, false), b: store.add(`${name}.bias`, [dim], filled(dim, 0), group, false) };
}
