// How different an E2E model's blocks are: trains one run as the demo sweep's E2E cell
// (FULL_SWEEP: its preset, dataset, steps and overrides, combined as the API expands a sweep),
// then prints its loss over the trivial reference (last 20 steps) and the linear CKA between
// consecutive blocks' pooled features at K = 2, 3 and 6, on the held-out clips the agent
// evaluates on. The README's search for a miniature whose E2E blocks differ was measured with it.
//
//   npm run depth-similarity -w @stratum/demo -- [--config '<JSON run-config overrides>'] [--data '<JSON textures options>'] [--clips 320]
//
// --config is merged over the demo's run config (e.g. '{"model":{"decoderDepth":1}}'); --data over
// the dataset options of both the training and the held-out set (e.g. '{"classes":100}').
import { Command, InvalidArgumentError } from 'commander';
import { evaluationDatasetSpec, evaluationSettings } from '@stratum/agent';
import { linearCKA } from '@stratum/analysis';
import { batchOf, createDataset, type DatasetSpec } from '@stratum/datasets';
import { embed, train } from '@stratum/trainer';
import { tailMean } from '../src/findings.js';
import { FULL_SWEEP } from '../src/sweeps.js';

const json = (flag: string) => (text: string): Record<string, unknown> => {
  try {
    const value: unknown = JSON.parse(text);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new InvalidArgumentError(`${flag} must be a JSON object (${(error as Error).message})`);
  }
};
const clipCount = (text: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 8) throw new InvalidArgumentError('--clips must be an integer ≥ 8');
  return n;
};

const opts = new Command('depth-similarity')
  .option('--config <json>', 'run-config overrides merged over the demo E2E cell', json('--config'), {})
  .option('--data <json>', 'textures options for the training and held-out sets', json('--data'), {})
  .option('--clips <n>', 'held-out clips', clipCount, 320)
  .parse()
  .opts<{ config: Record<string, unknown>; data: Record<string, unknown>; clips: number }>();

type Section = Record<string, unknown> | undefined;
const base = FULL_SWEEP.overrides as { model?: Section; optimizer?: Section };
const extra = opts.config as { model?: Section; optimizer?: Section };
// Checked when the dataset is built (createDataset names a bad option).
const dataset = { ...FULL_SWEEP.dataset, ...opts.data } as unknown as DatasetSpec;
// As expandSpec builds the sweep's E2E cell (the smallest K, the first seed), then --config over it.
const config = {
  ...base, preset: FULL_SWEEP.factors.modelSizes[0], blocks: Math.min(...FULL_SWEEP.factors.blocks),
  seed: FULL_SWEEP.factors.seeds[0], steps: FULL_SWEEP.steps,
  ...extra,
  model: { ...base.model, ...extra.model },
  optimizer: { ...base.optimizer, ...extra.optimizer },
  regime: 'e2e', dataset,
};

const started = performance.now();
let checkpoint: Uint8Array | null = null;
const loss: number[] = [];
const trivial: number[] = [];
await train(config, {
  onCheckpoint: (c) => { checkpoint = c.bytes; },
  onMetrics: (points) => {
    for (const p of points) {
      if (p.block !== null) continue;
      if (p.key === 'loss') loss.push(p.value);
      if (p.key === 'loss_trivial') trivial.push(p.value);
    }
  },
});
if (!checkpoint) throw new Error('training wrote no checkpoint');
const trainS = (performance.now() - started) / 1000;

const held = await createDataset(evaluationDatasetSpec(dataset, evaluationSettings({ clips: opts.clips })));
const batch = batchOf(held, Array.from({ length: Math.min(held.size, opts.clips) }, (_, i) => i));
// The demo summary's own final loss: the mean of the last 20 steps (tailMean).
const parts = [`train ${trainS.toFixed(0)} s`, `loss/trivial ${(tailMean(loss)! / tailMean(trivial)!).toFixed(3)}`];
for (const K of [2, 3, 6]) {
  const { blocks } = await embed(checkpoint, { clips: batch.clips, shape: batch.shape }, { tokens: false, partition: K });
  const pooled = blocks.map((f) => ({ rows: f.pooledShape[0], cols: f.pooledShape[1], data: f.pooled }));
  const cka = pooled.slice(1).map((next, k) => linearCKA(pooled[k]!, next).toFixed(3));
  parts.push(`K=${K} consecutive CKA ${cka.join(' ')}`);
}
process.stdout.write(`${JSON.stringify({ config: opts.config, data: opts.data })}  ${parts.join('  ')}\n`);
