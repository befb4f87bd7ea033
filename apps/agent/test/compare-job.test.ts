import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { train } from '@stratum/trainer';
import { createLogger } from '../src/logger.js';
import { compareJob } from '../src/worker/compare-job.js';
import type { FromWorker } from '../src/worker/messages.js';

const log = createLogger('silent');
let dir: string;
const files: Record<string, string> = {};

// Two real (tiny, briefly trained) models with K = 2 blocks, different seeds.
const config = (seed: number) => ({
  preset: 'nano', seed, regime: 'simultaneous', blocks: 2, steps: 3, batchSize: 2, checkpointEvery: 0, backend: 'wasm',
  model: { depth: 2, embedDim: 32, heads: 1, decoderDim: 32, decoderHeads: 1, decoderDepth: 1 },
  dataset: { name: 'moving-mnist', count: 16, frames: 16, size: 32 },
});

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'compare-job-'));
  for (const [name, seed] of [['a', 1], ['b', 2]] as const) {
    let last: Uint8Array | null = null;
    await train(config(seed), { onCheckpoint: (c) => void (last = c.bytes) });
    files[name] = path.join(dir, `${name}.ckpt`);
    fs.writeFileSync(files[name]!, last!);
  }
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function compare(rows: string, cols: string) {
  const sent: FromWorker[] = [];
  const summary = await compareJob(
    { kind: 'COMPARE', jobId: 'j', runId: 'r1', otherRunId: 'r2', config: { evaluation: { clips: 40 } }, backend: 'wasm', checkpoint: rows, otherCheckpoint: cols },
    { log, send: async (m) => void sent.push(m) },
  );
  const evaluation = sent.find((m) => m.type === 'evaluation');
  if (evaluation?.type !== 'evaluation') throw new Error('no evaluation message');
  return { summary, evaluation, sent };
}

describe('compareJob', () => {
  it('a run against itself: every CKA variant is symmetric with ones on the diagonal', async () => {
    const { evaluation, summary } = await compare(files.a!, files.a!);
    expect(evaluation.step).toBe(3);
    expect(evaluation.similarities.map((s) => s.kind).sort()).toEqual(['DEBIASED_CKA', 'LINEAR_CKA', 'RBF_CKA']);
    for (const m of evaluation.similarities) {
      expect(m.rowLabels).toEqual(['B1', 'B2']);
      expect(m.colLabels).toEqual(['B1', 'B2']);
      expect(m.otherRunId).toBe('r2');
      expect(m.values).toHaveLength(4);
      expect(m.values[0]).toBeCloseTo(1, 6);
      expect(m.values[3]).toBeCloseTo(1, 6);
      expect(m.values[1]).toBeCloseTo(m.values[2]!, 9);
    }
    expect(summary).toMatchObject({ kind: 'COMPARE', clips: 40, blocks: [2, 2], backend: 'wasm' });
  });

  it('two different runs: a full rows × cols matrix of linear CKA values in [0, 1], not the identity', async () => {
    const { evaluation, sent } = await compare(files.a!, files.b!);
    expect(sent[0]).toMatchObject({ type: 'started', backend: { name: 'wasm' } });
    const linear = evaluation.similarities.find((s) => s.kind === 'LINEAR_CKA')!;
    for (const v of linear.values) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(1 + 1e-9);
    }
    // Different initialisations: the diagonal is not 1 (a same-run comparison would give 1).
    expect(Math.max(linear.values[0]!, linear.values[3]!)).toBeLessThan(0.999999);
  });
});

describe('compareJob against an E2E run trained once for every K', () => {
  // A blockwise K=4 run and an E2E run built with K=2 (the sweep's smallest), both 4 layers deep.
  const files4: Record<string, string> = {};
  beforeAll(async () => {
    const model = { depth: 4, embedDim: 32, heads: 1, decoderDim: 32, decoderHeads: 1, decoderDepth: 1 };
    for (const [name, regime, blocks] of [['sim4', 'simultaneous', 4], ['e2e', 'e2e', 2]] as const) {
      let last: Uint8Array | null = null;
      await train({ ...config(1), regime, blocks, model }, { onCheckpoint: (c) => void (last = c.bytes) });
      files4[name] = path.join(dir, `${name}.ckpt`);
      fs.writeFileSync(files4[name]!, last!);
    }
  }, 120_000);

  it('reads the E2E run at the blockwise run’s K: a 4 × 4 matrix', async () => {
    const { evaluation, summary } = await compare(files4.sim4!, files4.e2e!);
    for (const m of evaluation.similarities) {
      expect(m.rowLabels).toEqual(['B1', 'B2', 'B3', 'B4']);
      expect(m.colLabels).toEqual(['B1', 'B2', 'B3', 'B4']);
      expect(m.values).toHaveLength(16);
    }
    expect(summary).toMatchObject({ blocks: [4, 4] });
    // The E2E run against itself at its own K: its own boundaries, not another run's.
    expect((await compare(files4.e2e!, files4.e2e!)).summary).toMatchObject({ blocks: [2, 2] });
  });
});
