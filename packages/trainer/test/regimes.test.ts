import * as tf from '@tensorflow/tfjs';
import { batchOf } from '@stratum/datasets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../src/backend.js';
import { decodeCheckpoint } from '../src/checkpoint.js';
import { parameterCount, resolveRunConfig, type RunConfig } from '@stratum/run-config';
import type { MaskedInputs } from '../src/model/inputs.js';
import { VideoMae } from '../src/model/mae.js';
import { sampleTubeMask } from '../src/model/masking.js';
import { Prng } from '@stratum/stats';
import { train } from '../src/train/loop.js';
import { buildModel } from '../src/train/state.js';
import { regimeGradients, type GroupGrads } from '../src/train/step.js';
import { TOY_MODEL, maxAbsDiff, randn, toyConfig, toyDataset } from './helpers.js';

const data = toyDataset(8);
const built: { model: VideoMae; inputs: MaskedInputs }[] = [];

beforeAll(async () => {
  await selectBackend('wasm');
});
afterAll(() =>
  built.forEach(({ model, inputs }) => {
    model.dispose();
    VideoMae.disposeInputs(inputs);
  }),
);

function setup(config: RunConfig): { model: VideoMae; inputs: MaskedInputs } {
  const model = buildModel(config);
  const batch = batchOf(data, [0, 1, 2, 3]);
  const mask = sampleTubeMask(Prng.fromSeed(5, 'mask'), 4, model.grid, config.model.maskRatio);
  const inputs = model.maskedInputs(batch.clips, mask);
  built.push({ model, inputs });
  return { model, inputs };
}

function read(passes: GroupGrads[]): Map<string, Float32Array>[] {
  const out = passes.map((p) => new Map(Object.entries(p.grads).map(([k, g]) => [k, g.dataSync() as Float32Array])));
  passes.forEach((p) => tf.dispose([p.loss, ...Object.values(p.grads)]));
  return out;
}

/** Adds noise to every parameter whose name starts with one of `prefixes`. */
function perturb(model: VideoMae, prefixes: string[]): void {
  model.params.list().forEach((p, i) => {
    if (prefixes.some((pre) => p.name.startsWith(pre))) tf.tidy(() => p.variable.assign(tf.add(p.variable, tf.tensor(randn(p.variable.size, 100 + i, 0.5), p.variable.shape))));
  });
}

function maxDiff(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  return Math.max(...[...a.keys()].map((k) => maxAbsDiff(a.get(k)!, b.get(k)!)));
}

const LATER = ['encoder.layers.2', 'encoder.layers.3', 'encoder.norm', 'decoders.1'];

describe('model', () => {
  it.each([
    ['nano', 'e2e', 1],
    ['nano', 'simultaneous', 3],
    ['micro', 'sequential', 2],
    ['tiny', 'e2e', 4],
  ] as const)('%s %s K=%i has exactly parameterCount(config) parameters, grouped per block', (preset, regime, blocks) => {
    const config = resolveRunConfig({ preset, regime, blocks, dataset: { name: 'moving-mnist' } });
    const model = buildModel(config);
    const sizes = model.params.list().map((p) => p.variable.size);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(parameterCount(config).total);
    const groups = regime === 'e2e' ? 1 : blocks;
    expect(new Set(model.params.list().map((p) => p.group))).toEqual(new Set(Array.from({ length: groups }, (_, g) => g)));
    expect(model.decoders.length).toBe(regime === 'e2e' ? 1 : blocks);
    // decay on weight matrices only
    for (const p of model.params.list()) expect(p.decay).toBe(p.variable.rank === 2 && p.name.endsWith('.weight'));
    model.dispose();
  });
});

describe('input normalisation', () => {
  it('the encoder sees (x − mean) / std per channel: the same tokens as a raw-pixel model fed normalised patches', () => {
    const normed = setup(toyConfig({ model: { ...TOY_MODEL, inputMean: [0.3], inputStd: [0.2] } }));
    const raw = setup(toyConfig({ model: { ...TOY_MODEL, inputMean: [0], inputStd: [1] } }));
    const [a, b] = tf.tidy(() => {
      const pos = normed.inputs.encoderPos;
      const x = normed.inputs.visiblePatches;
      return [normed.model.embedTokens(x, pos), raw.model.embedTokens(tf.div(tf.sub(x, 0.3), 0.2) as tf.Tensor2D, pos)];
    });
    expect(maxAbsDiff(a!.dataSync(), b!.dataSync())).toBeLessThan(1e-5);
    expect(maxAbsDiff(a!.dataSync(), raw.model.embedTokens(normed.inputs.visiblePatches, normed.inputs.encoderPos).dataSync())).toBeGreaterThan(0.1);
    tf.dispose([a!, b!]);
  });
});

describe('gradient isolation', () => {
  // A zero-initialised decoder head (the CPU presets' default) passes no gradient to the encoder at
  // initialisation, which would make every "unchanged" below hold vacuously: use VideoMAE's Xavier head.
  const flowing = (c: Parameters<typeof toyConfig>[0]) => toyConfig({ ...c, model: { ...TOY_MODEL, decoderHeadInit: 'xavier' } });
  it('simultaneous: block 1 gets exactly the gradient of L_1, whatever the later blocks do', () => {
    const { model, inputs } = setup(flowing({ regime: 'simultaneous', blocks: 2 }));
    const [g1, g2] = read(regimeGradients(model, 'simultaneous', 0, inputs));
    expect([...g1!.keys()].every((k) => !LATER.some((pre) => k.startsWith(pre)))).toBe(true);
    expect(g1!.has('encoder.patch_embed.weight') && g1!.has('decoders.0.head.weight')).toBe(true);

    // L_1 on its own
    const group0 = model.params.list(0);
    const alone = tf.variableGrads(() => model.blockLoss(0, model.encodeBlock(0, model.embedTokens(inputs.visiblePatches, inputs.encoderPos), inputs.seq), inputs), group0.map((p) => p.variable));
    const byVar = new Map(group0.map((p) => [p.variable.name, p.name]));
    const ref = new Map(Object.entries(alone.grads).map(([v, g]) => [byVar.get(v)!, g.dataSync() as Float32Array]));
    tf.dispose([alone.value, ...Object.values(alone.grads)]);
    expect(maxDiff(g1!, ref)).toBe(0);

    perturb(model, LATER);
    const [h1, h2] = read(regimeGradients(model, 'simultaneous', 0, inputs));
    expect(maxDiff(g1!, h1!)).toBe(0); // unchanged by later losses
    expect(maxDiff(g2!, h2!)).toBeGreaterThan(1e-4); // while block 2's own gradient did change
  });

  it('E2E: block 1 gradients change when later layers change', () => {
    const { model, inputs } = setup(flowing({ regime: 'e2e', blocks: 2 }));
    const [g] = read(regimeGradients(model, 'e2e', 0, inputs));
    expect(g!.size).toBe(model.params.list().length); // one group: everything
    const early = (m: Map<string, Float32Array>) => new Map([...m].filter(([k]) => k.startsWith('encoder.layers.0') || k.startsWith('encoder.patch_embed')));
    perturb(model, ['encoder.layers.2', 'encoder.layers.3']);
    const [h] = read(regimeGradients(model, 'e2e', 0, inputs));
    expect(maxDiff(early(g!), early(h!))).toBeGreaterThan(1e-4);
  });

  it('sequential stage 2 computes gradients for block 2 and decoder 2 only', () => {
    const { model, inputs } = setup(flowing({ regime: 'sequential', blocks: 2 }));
    const passes = read(regimeGradients(model, 'sequential', 1, inputs));
    expect(passes.length).toBe(1);
    expect([...passes[0]!.keys()].sort()).toEqual(model.params.list(1).map((p) => p.name).sort());
  });
});

describe('sequential training', () => {
  it('freezes earlier blocks: stage 1 leaves block 2 untouched, stage 2 leaves block 1 untouched', async () => {
    const config = toyConfig({ regime: 'sequential', blocks: 2, steps: 3, checkpointEvery: 1 });
    const ckpts = new Map<number, Map<string, Float32Array>>();
    const steps: number[] = [];
    await train(config, {
      dataset: data,
      onCheckpoint: ({ step, bytes }) => void ckpts.set(step, new Map([...decodeCheckpoint(bytes).tensors].map(([k, v]) => [k, v.values]))),
      onMetrics: (pts) => void steps.push(...pts.filter((p) => p.key === 'loss').map((p) => p.block!)),
    });
    expect(steps).toEqual([1, 1, 1, 2, 2, 2]); // stage k reports block k's loss
    const init = buildModel(config);
    const initial = new Map(init.params.list().map((p) => [`param/${p.name}`, p.variable.dataSync() as Float32Array]));
    const names = (g: number) => init.params.list(g).map((p) => `param/${p.name}`);
    const same = (a: Map<string, Float32Array>, b: Map<string, Float32Array>, keys: string[]) => Math.max(...keys.map((k) => maxAbsDiff(a.get(k)!, b.get(k)!)));
    expect(same(initial, ckpts.get(3)!, names(1))).toBe(0); // block 2 not trained in stage 1
    expect(same(initial, ckpts.get(3)!, names(0))).toBeGreaterThan(0);
    expect(same(ckpts.get(3)!, ckpts.get(6)!, names(0))).toBe(0); // block 1 frozen in stage 2
    expect(same(ckpts.get(3)!, ckpts.get(6)!, names(1))).toBeGreaterThan(0);
    init.dispose();
  });
});
