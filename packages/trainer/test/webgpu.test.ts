/**
 * The WebGPU backend (Dawn) against the cpu backend, on whatever Vulkan driver the host has —
 * on CI machines Mesa's software driver lavapipe (`npm run setup:webgpu`). Without any
 * adapter these tests are skipped with the reason, except under CI=true or
 * STRATUM_REQUIRE_WEBGPU=1, where a missing adapter fails them.
 */
import * as tf from '@tensorflow/tfjs';
import { batchOf } from '@stratum/datasets';
import { afterEach, describe, expect, it } from 'vitest';
import { BackendError, selectBackend } from '../src/backend.js';
import { decodeCheckpoint } from '../src/checkpoint.js';
import { embed, reconstructionError } from '../src/embed.js';
import { resolveRunConfig, type RunConfig } from '@stratum/run-config';
import { VideoMae } from '../src/model/mae.js';
import { sampleTubeMask } from '../src/model/masking.js';
import { AdamW } from '../src/optim/adamw.js';
import { Prng } from '@stratum/stats';
import { train } from '../src/train/loop.js';
import { buildModel } from '../src/train/state.js';
import { regimeGradients } from '../src/train/step.js';
import { GpuError } from '../src/webgpu/device.js';
import { setWebgpuKernelsEnabled, webgpuKernelsActive } from '../src/webgpu/kernels.js';
import { encodeGpuUpdates } from '../src/webgpu/optimizer.js';
import { maxAbsDiff, toyConfig, toyDataset } from './helpers.js';

const required = process.env.CI === 'true' || process.env.STRATUM_REQUIRE_WEBGPU === '1';
const available = await selectBackend('webgpu').then(
  () => null,
  (e: unknown) => (e instanceof Error ? e.message : String(e)),
);
if (available !== null && required) throw new Error(`WebGPU is required here (CI) but unavailable: ${available}`);
const suite = available === null ? describe : describe.skip;
const data = toyDataset(8);

/** ‖a − b‖ / ‖b‖ over all values. */
function relative(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / Math.max(den, 1e-30));
}

const nanoData = toyDataset(4, { frames: 16, height: 32, width: 32, channels: 1 });

/**
 * On `backend`: the loss and gradients of one batch, then the parameters after one AdamW step
 * (with clipping) taken with the gradients `given` (the cpu's), so the optimiser's arithmetic
 * is compared on identical inputs.
 */
async function oneStep(backend: 'cpu' | 'webgpu', config: RunConfig, given?: Map<string, Float32Array>) {
  await selectBackend(backend);
  const model = buildModel(config);
  const mask = sampleTubeMask(Prng.fromSeed(3, 'mask'), 2, model.grid, config.model.maskRatio);
  const inputs = model.maskedInputs(batchOf(nanoData, [0, 1]).clips, mask);
  const passes = regimeGradients(model, config.regime, 0, inputs);
  const losses = await Promise.all(passes.map(async (p) => (await p.loss.data())[0]!));
  const grads = new Map<string, Float32Array>();
  for (const p of passes) for (const [k, g] of Object.entries(p.grads)) grads.set(k, (await g.data()) as Float32Array);
  passes.forEach((p) => tf.dispose([p.loss, ...Object.values(p.grads)]));
  VideoMae.disposeInputs(inputs);

  const o = config.optimizer;
  const optimizers = Array.from({ length: model.groups }, (_, g) => new AdamW(model.params.list(model.groups === 1 ? undefined : g), { beta1: o.betas[0], beta2: o.betas[1], eps: o.eps, weightDecay: o.weightDecay }));
  const use = given ?? grads;
  const groups = optimizers.map((optimizer) => ({ optimizer, grads: optimizer.params.map((p) => tf.tensor(use.get(p.name)!, p.variable.shape)) }));
  const norms: number[] = [];
  if (webgpuKernelsActive()) {
    for (const g of groups) g.optimizer.t += 1;
    const lossVec = tf.tensor1d(losses);
    const { partials, ranges } = encodeGpuUpdates(groups, lossVec, 0.01, 0.5);
    const sums = await partials.data();
    for (const r of ranges) norms.push(Math.sqrt(Array.from(sums.subarray(r.start, r.start + r.count)).reduce((a, b) => a + b, 0)));
    tf.dispose([lossVec, partials]);
  } else {
    for (const g of groups) norms.push(await g.optimizer.step(Object.fromEntries(g.optimizer.params.map((p, i) => [p.name, g.grads[i]!])), 0.01, 0.5));
  }
  const params = new Map<string, Float32Array>();
  for (const p of model.params.list()) params.set(p.name, (await p.variable.data()) as Float32Array);
  groups.forEach((g) => tf.dispose(g.grads));
  optimizers.forEach((x) => x.dispose());
  model.dispose();
  return { losses, grads, norms, params };
}

afterEach(() => setWebgpuKernelsEnabled(true));

suite('webgpu backend', () => {
  it('opens the adapter with its own limits and reports it', async () => {
    const info = await selectBackend('webgpu');
    expect([info.name, info.tfBackend, info.kernels]).toEqual(['webgpu', 'webgpu', 'stratum-webgpu']);
    expect(info.adapter!.vendor.length).toBeGreaterThan(0);
    expect(info.adapter!.limits.maxStorageBuffersPerShaderStage).toBeGreaterThan(8); // not WebGPU's default
    // a 12-input addN is one kernel with 13 storage buffers: valid only with the adapter's limits
    const xs = Array.from({ length: 12 }, (_, i) => tf.fill([3], i));
    expect(Array.from(await tf.addN(xs).data())).toEqual([66, 66, 66]);
    tf.dispose(xs);
  });

  it.each([
    ['e2e', 1],
    ['simultaneous', 3],
  ] as const)('nano %s: loss, gradients and one AdamW step match cpu to 1e-5', async (regime, blocks) => {
    const config = resolveRunConfig({ preset: 'nano', regime, blocks, batchSize: 2 });
    const cpu = await oneStep('cpu', config);
    for (const fused of [true, false]) {
      setWebgpuKernelsEnabled(fused);
      const gpu = await oneStep('webgpu', config, cpu.grads);
      expect(relative(gpu.losses, cpu.losses)).toBeLessThan(1e-5);
      expect([...gpu.grads.keys()].sort()).toEqual([...cpu.grads.keys()].sort());
      for (const [k, g] of cpu.grads) expect(relative(gpu.grads.get(k)!, g), `${k} (fused ${fused})`).toBeLessThan(1e-5);
      expect(relative(gpu.norms, cpu.norms)).toBeLessThan(1e-5);
      for (const [k, p] of cpu.params) expect(relative(gpu.params.get(k)!, p), `${k} after AdamW (fused ${fused})`).toBeLessThan(1e-5);
    }
  });

  it('simultaneous: block 1 gradients do not depend on later blocks', async () => {
    await selectBackend('webgpu');
    const config = toyConfig({ regime: 'simultaneous', blocks: 2 });
    const model = buildModel(config);
    const mask = sampleTubeMask(Prng.fromSeed(3, 'mask'), 4, model.grid, config.model.maskRatio);
    const inputs = model.maskedInputs(batchOf(data, [0, 1, 2, 3]).clips, mask);
    const firstBlock = async () => {
      const [g1, g2] = regimeGradients(model, 'simultaneous', 0, inputs);
      const out = await Promise.all(model.params.list(0).map(async (p) => (await g1!.grads[p.name]!.data()) as Float32Array));
      const later = (await g2!.grads['decoders.1.head.weight']!.data()) as Float32Array;
      [g1!, g2!].forEach((p) => tf.dispose([p.loss, ...Object.values(p.grads)]));
      return { out, later };
    };
    const before = await firstBlock();
    for (const p of model.params.list(1)) tf.tidy(() => p.variable.assign(tf.add(p.variable, tf.randomNormal(p.variable.shape, 0, 0.5, 'float32', 7))));
    const after = await firstBlock();
    before.out.forEach((g, i) => expect(maxAbsDiff(g, after.out[i]!)).toBe(0));
    expect(maxAbsDiff(before.later, after.later)).toBeGreaterThan(1e-4);
    VideoMae.disposeInputs(inputs);
    model.dispose();
  });

  it('is deterministic: the same run twice gives bit-identical losses and weights', async () => {
    const run = async () => {
      const losses: number[] = [];
      let sha = '';
      await train(toyConfig({ backend: 'webgpu', regime: 'simultaneous', blocks: 2, steps: 3 }), {
        dataset: data,
        onStep: (s) => losses.push(...s.losses.map((l) => l.value)),
        onCheckpoint: (c) => void (sha = c.sha256),
      });
      return { losses, sha };
    };
    const a = await run();
    const b = await run();
    expect(b.losses).toEqual(a.losses);
    expect(b.sha).toBe(a.sha);
  });

  it.each([
    ['webgpu', 'wasm'],
    ['wasm', 'webgpu'],
  ] as const)('a run checkpointed on %s resumes on %s and continues the same curve', async (first, second) => {
    const config = (backend: string) => toyConfig({ backend: backend as RunConfig['backend'], steps: 4, checkpointEvery: 2 });
    const straight: number[] = [];
    await train(config(second), { dataset: data, onStep: (s) => straight.push(s.losses[0]!.value) });
    let ckpt: Uint8Array | null = null;
    await train(config(first), { dataset: data, onCheckpoint: (c) => void (c.step === 2 && (ckpt = c.bytes)) });
    expect(decodeCheckpoint(ckpt!).header.backend).toBe(first);
    const resumed: number[] = [];
    await train(config(second), { dataset: data, resumeFrom: ckpt!, onStep: (s) => resumed.push(s.losses[0]!.value) });
    expect(resumed.length).toBe(2);
    expect(relative(resumed, straight.slice(2))).toBeLessThan(1e-5);
  });

  it('extracts the same features and reconstruction errors as cpu (evaluation reads asynchronously)', async () => {
    const config = toyConfig({ regime: 'simultaneous', blocks: 2 });
    const model = buildModel(config);
    const clips = { clips: batchOf(data, [0, 1, 2]).clips, shape: [3, 4, 8, 8, 1] as [number, number, number, number, number] };
    // cpu first: tensors move cpu → webgpu freely, but not back (that read is synchronous)
    const cpu = await embed(model, clips, { backend: 'cpu', layers: true });
    const recCpu = await reconstructionError(model, clips, { backend: 'cpu' });
    const gpu = await embed(model, clips, { backend: 'webgpu', layers: true });
    cpu.blocks.forEach((b, i) => {
      expect(relative(gpu.blocks[i]!.pooled, b.pooled)).toBeLessThan(1e-5);
      expect(relative(gpu.blocks[i]!.tokens, b.tokens)).toBeLessThan(1e-5);
    });
    const recGpu = await reconstructionError(model, clips, { backend: 'webgpu' });
    expect(relative(recGpu.map((r) => r.meanError), recCpu.map((r) => r.meanError))).toBeLessThan(1e-5);
    model.dispose();
  });

  it('fails the run loudly when the GPU rejects a kernel (never a silent wrong number)', async () => {
    await selectBackend('webgpu');
    const limit = (tf.backend() as unknown as { device: GPUDevice }).device.limits.maxStorageBuffersPerShaderStage;
    const original = VideoMae.prototype.blockLoss;
    // plant a kernel with more storage buffers than the device allows: Dawn drops the work
    VideoMae.prototype.blockLoss = function (this: VideoMae, d, h, inputs) {
      const loss = original.call(this, d, h, inputs);
      return tf.add(loss, tf.mul(tf.addN(Array.from({ length: limit + 2 }, () => tf.zerosLike(loss))), 0)) as tf.Scalar;
    };
    try {
      const err = await train(toyConfig({ backend: 'webgpu', steps: 2 }), { dataset: data }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(GpuError);
      expect((err as Error).message).toMatch(/WebGPU rejected the step's work.*storage buffers/s);
    } finally {
      VideoMae.prototype.blockLoss = original;
    }
  });
});

describe('backend choice', () => {
  it('refuses an unknown backend by name instead of labelling the active one', async () => {
    const err = await selectBackend('metal' as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BackendError);
    expect((err as Error).message).toMatch(/unknown backend "metal".*webgpu/);
  });
});
