/**
 * AdamW for tfjs (tfjs ships Adam only), in PyTorch's formulation:
 *   p ← p · (1 − lr·wd)                     (decoupled decay, weight matrices only)
 *   m ← β1 m + (1 − β1) g,  v ← β2 v + (1 − β2) g²
 *   p ← p − lr · (m / (1 − β1ᵗ)) / (√(v / (1 − β2ᵗ)) + ε)
 * with optional global-norm clipping of g first (scale min(1, c / (‖g‖ + 1e-6)), as
 * torch.nn.utils.clip_grad_norm_). One instance per optimiser group, each with its own t.
 * On WebGPU the step's updates of all groups run as multi-tensor kernels instead
 * (webgpu/optimizer.ts), on this class's parameters and moments.
 */
import * as tf from '@tensorflow/tfjs';
import { wasmKernelsActive, wasmSumSquares } from '../kernels/wasm-kernels.js';
import type { Param } from '../model/params.js';

export interface AdamWConfig {
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
}

export interface AdamWState {
  /** Updates applied so far (the t of the bias corrections). */
  t: number;
  m: tf.Variable[];
  v: tf.Variable[];
}

export class AdamW {
  t = 0;
  readonly m: tf.Variable[];
  readonly v: tf.Variable[];

  constructor(
    readonly params: Param[],
    readonly cfg: AdamWConfig,
  ) {
    const zeros = (p: Param) => tf.tidy(() => tf.variable(tf.zerosLike(p.variable), false));
    this.m = params.map(zeros);
    this.v = params.map(zeros);
  }

  /**
   * Global L2 norm of `grads` (read back: the clip factor needs it). The sums are chained
   * pairwise: a tf.addN over many tensors is one kernel with as many inputs, which a GPU
   * device's storage-buffer limit refuses.
   */
  static async globalNorm(grads: tf.Tensor[]): Promise<number> {
    if (wasmKernelsActive()) return Math.sqrt(grads.reduce((s, g) => s + wasmSumSquares(g), 0));
    const total = tf.tidy(() => grads.map((g) => tf.sum(tf.square(g))).reduce((a, b) => tf.add(a, b)));
    const value = (await total.data())[0]!;
    total.dispose();
    return Math.sqrt(value);
  }

  /**
   * Applies one update. `grads` maps parameter names to gradients (every parameter of the
   * group must be present). Returns the pre-clipping global gradient norm.
   */
  async step(grads: Record<string, tf.Tensor>, lr: number, clipNorm: number | null): Promise<number> {
    const gs = this.params.map((p) => {
      const g = grads[p.name];
      if (!g) throw new Error(`no gradient for ${p.name}`);
      return g;
    });
    const norm = await AdamW.globalNorm(gs);
    const gradScale = clipNorm !== null ? Math.min(1, clipNorm / (norm + 1e-6)) : 1;
    this.t += 1;
    const { beta1, beta2, eps, weightDecay } = this.cfg;
    const bc1 = 1 - Math.pow(beta1, this.t);
    const bc2 = 1 - Math.pow(beta2, this.t);
    const wasm = wasmKernelsActive();
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const wd = p.decay ? weightDecay : 0;
        const m = this.m[i]!, v = this.v[i]!, g = gs[i]!;
        if (wasm) {
          const attrs = { lr, beta1, beta2, eps, weightDecay: wd, bc1, bc2, gradScale };
          const [p2, m2, v2] = tf.engine().runKernel('StratumAdamW', { p: p.variable, g, m, v }, attrs) as tf.Tensor[];
          p.variable.assign(p2!);
          m.assign(m2!);
          v.assign(v2!);
          return;
        }
        const gc = gradScale === 1 ? g : tf.mul(g, gradScale);
        const m2 = tf.add(tf.mul(m, beta1), tf.mul(gc, 1 - beta1));
        const v2 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(gc), 1 - beta2));
        const update = tf.div(tf.div(m2, bc1), tf.add(tf.sqrt(tf.div(v2, bc2)), eps));
        const decayed = wd > 0 ? tf.mul(p.variable, 1 - lr * wd) : p.variable;
        p.variable.assign(tf.sub(decayed, tf.mul(update, lr)));
        m.assign(m2);
        v.assign(v2);
      });
    });
    return norm;
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v]) t.dispose();
  }
}
