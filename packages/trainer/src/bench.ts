/**
 * Training throughput benchmark (npm run bench -w @stratum/trainer [-- --backend wasm]).
 *
 * In one process on the chosen backend: the backend's own matmul rate at a large square size,
 * then the `nano` preset trained E2E and blockwise-simultaneous with K=3 through `train()`
 * (clips pre-rendered, so data generation is not timed): steps/s, tokens/s, effective GFLOP/s
 * from the analytic forward+backward FLOPs (cost.ts), its ratio to the matmul rate, and the
 * peak tensor memory of one step. `--profile` adds the kernels that take the time.
 * On webgpu it benchmarks the paper's `tiny` model instead (bench-webgpu.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { InMemoryDataset, movingMnist, type ClipDataset } from '@stratum/datasets';
import { Command } from 'commander';
import { selectBackend, type BackendInfo } from './backend.js';
import { benchWebgpu } from './bench-webgpu.js';
import { BACKEND_CHOICES, flopsPerStep, resolveRunConfig, tokenCounts, type BackendChoice, type RunConfig } from '@stratum/run-config';
import { VideoMae } from './model/mae.js';
import { sampleTubeMask } from './model/masking.js';
import { AdamW } from './optim/adamw.js';
import { Prng } from '@stratum/stats';
import { train } from './train/loop.js';
import { buildModel } from './train/state.js';
import { trainStep } from './train/step.js';

const out = (line: string) => process.stdout.write(`${line}\n`);
/** CPU seconds of this process: unlike wall time, barely moved by other processes on the host. */
const cpuS = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

interface Rate {
  wall: number;
  cpu: number;
}

function matmulGflops(n: number, seconds: number): Rate {
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  // (never return dataSync() from tf.tidy: tidy walks a returned array element by element)
  const once = () => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  };
  once(); // warm-up (and XNNPACK weight packing, cached per weight tensor)
  let iters = 0;
  const t0 = performance.now();
  const c0 = cpuS();
  while (performance.now() - t0 < seconds * 1000) {
    once();
    iters++;
  }
  const wall = (performance.now() - t0) / 1000;
  const cpu = cpuS() - c0;
  tf.dispose([a, b]);
  return { wall: (2 * n ** 3 * iters) / wall / 1e9, cpu: (2 * n ** 3 * iters) / cpu / 1e9 };
}

/** One step under tf.profile: peak bytes and (optionally) the kernels by total time. */
async function profileStep(config: RunConfig, data: ClipDataset, kernels: boolean): Promise<{ peakMB: number; top: [string, number][] }> {
  const model = buildModel(config);
  const optimizers = Array.from({ length: model.groups }, (_, g) => new AdamW(model.params.list(model.groups === 1 ? undefined : g), { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.05 }));
  const clips = new Float32Array(config.batchSize * data.shape.frames * data.shape.height * data.shape.width * data.shape.channels);
  for (let i = 0; i < config.batchSize; i++) clips.set(data.get(i % data.size).clip, (i * clips.length) / config.batchSize);
  const mask = sampleTubeMask(Prng.fromSeed(0, 'bench'), config.batchSize, model.grid, config.model.maskRatio);
  const run = async () => {
    const inputs = model.maskedInputs(clips, mask);
    await trainStep({ model, optimizers, regime: config.regime, stage: 0, lr: 1e-4, clipNorm: null, step: 1 }, inputs);
    VideoMae.disposeInputs(inputs);
  };
  await run(); // warm-up
  const info = await tf.profile(run);
  const byKernel = new Map<string, number>();
  if (kernels) {
    for (const k of info.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + Number(await k.kernelTimeMs));
  }
  optimizers.forEach((o) => o.dispose());
  model.dispose();
  return { peakMB: info.peakBytes / 2 ** 20, top: [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12) };
}

interface RegimeResult {
  stepsPerS: number;
  ratio: number;
}

async function benchRegime(label: string, config: RunConfig, data: ClipDataset, matmul: Rate, opts: { steps: number; profile: boolean }): Promise<RegimeResult> {
  const warmup = 2;
  const wall: number[] = [];
  const cpu: number[] = [];
  await train(config, {
    dataset: data,
    onStep: (s) => {
      wall.push(s.elapsedS);
      cpu.push(cpuS());
    },
  });
  const measured = wall.length - warmup;
  const stepsPerS = measured / (wall.at(-1)! - wall[warmup - 1]!);
  const cpuStepsPerS = measured / (cpu.at(-1)! - cpu[warmup - 1]!);
  const flops = flopsPerStep(config);
  const gflops = (flops * stepsPerS) / 1e9;
  const ratio = gflops / matmul.wall;
  const cpuRatio = (flops * cpuStepsPerS) / 1e9 / matmul.cpu;
  const tokens = tokenCounts(config.model).tokens * config.batchSize * stepsPerS;
  const { peakMB, top } = await profileStep(config, data, opts.profile);
  out(
    `${label.padEnd(26)} steps/s ${stepsPerS.toFixed(2).padStart(6)}  tokens/s ${Math.round(tokens).toString().padStart(7)}  ` +
      `GFLOP/step ${(flops / 1e9).toFixed(2)}  effective GFLOP/s ${gflops.toFixed(2).padStart(6)}  ratio ${ratio.toFixed(3)}  ` +
      `(per CPU-second: ${((flops * cpuStepsPerS) / 1e9).toFixed(2)} GFLOP/s, ratio ${cpuRatio.toFixed(3)})  peak ${peakMB.toFixed(1)} MB`,
  );
  for (const [name, ms] of top) out(`    ${name.padEnd(28)} ${ms.toFixed(1).padStart(8)} ms/step`);
  return { stepsPerS, ratio };
}

async function main(opts: { backend: BackendChoice; steps: string; batch: string; profile?: boolean; size?: string; preset: string; submitBatch?: string }): Promise<void> {
  const backend: BackendInfo = await selectBackend(opts.backend);
  const steps = Number(opts.steps);
  const batchSize = Number(opts.batch);
  out(`backend ${backend.name} (tfjs "${backend.tfBackend}", kernels ${backend.kernels}); tried: ${backend.tried.map((t) => t.name).join(', ') || 'none'}`);
  if (backend.name === 'webgpu') {
    if (opts.submitBatch) tf.env().set('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', Number(opts.submitBatch));
    const a = backend.adapter!;
    out(`adapter ${a.vendor} ${a.device} (${a.description}${a.software ? ', software' : ''}); max storage buffers per stage ${a.limits.maxStorageBuffersPerShaderStage}`);
    await benchWebgpu({ preset: opts.preset, steps, batch: batchSize, size: Number(opts.size ?? 4096), seconds: 3, profile: !!opts.profile });
    return;
  }
  const n = Number(opts.size ?? 1024);
  const matmul = matmulGflops(n, 3);
  out(`matmul ${n}×${n}×${n}: ${matmul.wall.toFixed(2)} GFLOP/s (per CPU-second: ${matmul.cpu.toFixed(2)})`);

  const base = { preset: 'nano', steps: steps + 2, batchSize, backend: opts.backend, checkpointEvery: 0, logEvery: 1_000_000, optimizer: { warmupSteps: 1 } };
  const config = resolveRunConfig(base);
  const mm = movingMnist({ seed: 0, count: 64, frames: config.model.frames, size: config.model.height });
  const data = new InMemoryDataset('moving-mnist', mm.shape, mm.targets, mm.valueRange, Array.from({ length: mm.size }, (_, i) => mm.get(i)));
  out(`nano: ${config.model.embedDim} wide, ${config.model.depth} deep, ${tokenCounts(config.model).tokens} tokens (${tokenCounts(config.model).visible} visible), batch ${batchSize}, ${steps} timed steps`);
  const e2e = await benchRegime('nano e2e', resolveRunConfig({ ...base, regime: 'e2e', blocks: 3 }), data, matmul, { steps, profile: !!opts.profile });
  const bw = await benchRegime('nano simultaneous K=3', resolveRunConfig({ ...base, regime: 'simultaneous', blocks: 3 }), data, matmul, { steps, profile: !!opts.profile });
  out(
    `RESULT train backend=${backend.name} matmul_gflops=${matmul.wall.toFixed(2)} e2e_ratio=${e2e.ratio.toFixed(3)} blockwise_ratio=${bw.ratio.toFixed(3)} ` +
      `e2e_steps_per_s=${e2e.stepsPerS.toFixed(3)} blockwise_steps_per_s=${bw.stepsPerS.toFixed(3)}`,
  );
}

await new Command()
  .name('stratum-train-bench')
  .option('-b, --backend <name>', `backend (${BACKEND_CHOICES.join(' | ')})`, 'auto')
  .option('-s, --steps <n>', 'timed steps per regime (after 2 warm-up steps)', '16')
  .option('--batch <n>', 'clips per step', '32')
  .option('--size <n>', 'matmul size (default 1024; 4096 on webgpu)')
  .option('--preset <name>', 'model on webgpu (the CPU backends bench nano)', 'tiny')
  .option('--submit-batch <n>', 'webgpu: dispatches recorded per queue submit (tfjs default 15)')
  .option('-p, --profile', 'print the kernels taking the most time in one step')
  .action(main)
  .parseAsync(process.argv);
