import * as tf from '@tensorflow/tfjs';
import { VideoMae, AdamW, trainStep, sampleTubeMask, Prng, selectBackend, PRESETS } from '@stratum/trainer';
import { createDataset, batchOf } from '@stratum/datasets';
import { setWasmKernelsEnabled } from '@stratum/trainer';
await selectBackend(process.argv[3] ?? 'wasm');
if (process.env.NOK) setWasmKernelsEnabled(false);
const cfg = { ...PRESETS.nano(), channels: 3, ...JSON.parse(process.argv[2] ?? '{}') };
const model = new VideoMae(cfg, { blocks: 1, decoders: 'one', seed: 0 });
if (process.env.ZH) { const h = model.decoders[0].head; h.w.assign(tf.zerosLike(h.w)); }
const opt = new AdamW(model.params.list(), { beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.05 });
const ds = await createDataset({ name: 'gratings', grid: 'small', maxClips: 16 });
const b = batchOf(ds, Array.from({ length: 16 }, (_, i) => i));
const mask = sampleTubeMask(Prng.fromSeed(0, 'mask'), 16, model.grid, cfg.maskRatio);
const inputs = model.maskedInputs(b.clips, mask);
const triv = tf.mean(tf.square(inputs.targets)).dataSync()[0];
for (let s = 1; s <= Number(process.env.STEPS ?? 150); s++) {
  const r = await trainStep({ model, optimizers: [opt], regime: 'e2e', stage: 0, lr: Number(process.env.LR ?? 1e-3), clipNorm: null, step: s }, inputs);
  if (s % 25 === 0) console.log(s, (r.losses[0].value / triv).toFixed(3));
}
