/**
 * The GPU half of the training benchmark (`npm run bench:train -- --backend webgpu`): on the
 * WebGPU backend, the backend's own 4096³ matmul rate, then the paper's `tiny` model trained
 * E2E and blockwise (simultaneous, K=4) at batch 32 — ms/step, GPU dispatches ("kernels") per
 * step, effective GFLOP/s from the analytic FLOPs (cost.ts) and its ratio to the matmul rate,
 * and the peak GPU memory the backend allocated. Kernel counts depend only on the model and
 * the code, not on the GPU, so they are comparable across machines (lavapipe included).
 */
import * as tf from '@tensorflow/tfjs';
import { flopsPerStep, resolveRunConfig, type RunConfig } from '@stratum/run-config';
import { VideoMae } from './model/mae.js';
import { sampleTubeMask } from './model/masking.js';
import { AdamW } from './optim/adamw.js';
import { Prng } from '@stratum/stats';
import { buildModel } from './train/state.js';
import { trainStep } from './train/step.js';
import { checkGpuErrors, webgpuDispatches } from './webgpu/device.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

/** Square matmuls queued back to back, one 1-element read at the end: the rate the GPU sustains. */
async function matmulGflops(n: number, seconds: number): Promise<number> {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  const batch = async (k: number) => {
    let last: tf.Tensor | null = null;
    for (let i = 0; i < k; i++) {
      last?.dispose();
      last = tf.matMul(a, b);
    }
    const probe = tf.slice(last!, [0, 0], [1, 1]);
    await probe.data();
    tf.dispose([probe, last!]);
  };
  await batch(2); // warm-up: pipeline compilation
  let iters = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < seconds * 1000) {
    await batch(8);
    iters += 8;
  }
  const wall = (performance.now() - t0) / 1000;
  tf.dispose([a, b]);
  return (2 * n ** 3 * iters) / wall / 1e9;
}

export interface GpuRegimeResult {
  msPerStep: number;
  kernelsPerStep: number;
  ratio: number;
  peakMiB: number;
  losses: number[];
}

/** Trains `steps` steps (after 2 warm-up steps) on one pre-rendered batch, re-masked every step. */
/** One step under tf.profile: GPU time by kernel (timestamp queries), largest first. */
async function printProfile(run: () => Promise<void>): Promise<void> {
  const info = await tf.profile(run);
  const by = new Map<string, { ms: number; n: number }>();
  for (const k of info.kernels) {
    const e = by.get(k.name) ?? { ms: 0, n: 0 };
    e.ms += Number(await k.kernelTimeMs);
    e.n += 1;
    by.set(k.name, e);
  }
  const total = [...by.values()].reduce((a, e) => a + e.ms, 0);
  out(`    GPU time of one step (timestamp queries): ${total.toFixed(1)} ms over ${info.kernels.length} kernels`);
  for (const [name, e] of [...by.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 10)) out(`      ${name.padEnd(24)} ${e.ms.toFixed(2).padStart(8)} ms  ×${e.n}`);
}

async function benchRegime(label: string, config: RunConfig, matmul: number, steps: number, profile: boolean): Promise<GpuRegimeResult> {
  const model = buildModel(config);
  const o = config.optimizer;
  const optimizers = Array.from({ length: model.groups }, (_, g) => new AdamW(model.params.list(model.groups === 1 ? undefined : g), { beta1: o.betas[0], beta2: o.betas[1], eps: o.eps, weightDecay: o.weightDecay }));
  const m = config.model;
  const clips = new Float32Array(config.batchSize * m.frames * m.height * m.width * m.channels);
  const rng = Prng.fromSeed(config.seed, 'bench-clips');
  for (let i = 0; i < clips.length; i++) clips[i] = rng.nextFloat();
  const maskRng = Prng.fromSeed(config.seed, 'mask');
  let peak = 0;
  let inputsMs = 0;
  const losses: number[] = [];
  const step = async (i: number) => {
    const t0 = performance.now();
    const inputs = model.maskedInputs(clips, sampleTubeMask(maskRng, config.batchSize, model.grid, m.maskRatio));
    inputsMs += performance.now() - t0;
    try {
      const ctx = { model, optimizers, regime: config.regime, stage: 0, lr: o.lr, clipNorm: o.clipNorm, step: i + 1 };
      const r = await checkGpuErrors(() => trainStep(ctx, inputs));
      losses.push(r.losses.reduce((s, l) => s + l.value, 0) / r.losses.length);
    } finally {
      VideoMae.disposeInputs(inputs);
    }
    peak = Math.max(peak, (tf.memory() as { numBytesAllocatedInGPU?: number }).numBytesAllocatedInGPU ?? 0);
  };
  try {
    await step(0);
    await step(1);
    const d0 = webgpuDispatches();
    await step(2);
    const kernelsPerStep = webgpuDispatches() - d0;
    if (profile) await printProfile(() => step(3));
    inputsMs = 0;
    const t0 = performance.now();
    for (let i = 0; i < steps; i++) await step(3 + i);
    const msPerStep = (performance.now() - t0) / steps;
    const gflops = flopsPerStep(config) / (msPerStep / 1000) / 1e9;
    const ratio = gflops / matmul;
    const peakMiB = peak / 2 ** 20;
    out(
      `${label.padEnd(24)} ${msPerStep.toFixed(1).padStart(8)} ms/step  ${kernelsPerStep} kernels/step  GFLOP/step ${(flopsPerStep(config) / 1e9).toFixed(1)}  ` +
        `effective GFLOP/s ${gflops.toFixed(0)}  ratio ${ratio.toFixed(4)}  peak GPU memory ${peakMiB.toFixed(0)} MiB  ` +
        `(recording the inputs: ${(inputsMs / steps).toFixed(1)} ms/step)  loss ${losses[0]!.toFixed(4)} → ${losses.at(-1)!.toFixed(4)}`,
    );
    return { msPerStep, kernelsPerStep, ratio, peakMiB, losses };
  } finally {
    optimizers.forEach((x) => x.dispose());
    model.dispose();
  }
}

export async function benchWebgpu(opts: { preset: string; steps: number; batch: number; size: number; seconds: number; profile: boolean }): Promise<void> {
  const matmul = await matmulGflops(opts.size, opts.seconds);
  out(`matmul ${opts.size}×${opts.size}×${opts.size}: ${matmul.toFixed(0)} GFLOP/s`);
  const base = { preset: opts.preset, batchSize: opts.batch, backend: 'webgpu', steps: 1000, optimizer: { lr: 1.5e-4, warmupSteps: 0 } }; // the clips are random (below); the dataset only sets their shape
  const shapeOnly = (c: Record<string, unknown>) => resolveRunConfig({ ...c, dataset: { name: 'gratings', size: 128, frames: 16 } });
  const K = shapeOnly(base).model.depth % 4 === 0 ? 4 : 3; // the paper's K=4; 3 for the 6-deep CPU presets
  const e2e = await benchRegime(`${opts.preset} e2e`, shapeOnly({ ...base, regime: 'e2e', blocks: K }), matmul, opts.steps, opts.profile);
  const bw = await benchRegime(`${opts.preset} simultaneous K=${K}`, shapeOnly({ ...base, regime: 'simultaneous', blocks: K }), matmul, opts.steps, opts.profile);
  out(
    `RESULT train backend=webgpu preset=${opts.preset} batch=${opts.batch} matmul_gflops=${matmul.toFixed(0)} e2e_kernels_per_step=${e2e.kernelsPerStep} ` +
      `blockwise_kernels_per_step=${bw.kernelsPerStep} e2e_ms=${e2e.msPerStep.toFixed(1)} blockwise_ms=${bw.msPerStep.toFixed(1)} ` +
      `e2e_ratio=${e2e.ratio.toFixed(4)} blockwise_ratio=${bw.ratio.toFixed(4)} peak_gpu_mib=${Math.max(e2e.peakMiB, bw.peakMiB).toFixed(0)}`,
  );
}
