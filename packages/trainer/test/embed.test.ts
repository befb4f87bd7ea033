import { batchOf } from '@stratum/datasets';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../src/backend.js';
import { CHECKPOINT_MAGIC, decodeCheckpoint, encodeCheckpoint, sha256Hex } from '../src/checkpoint.js';
import { embed, reconstructionError } from '../src/embed.js';
import { CheckpointError } from '../src/errors.js';
import { train } from '../src/train/loop.js';
import { maxAbsDiff, toyConfig, toyDataset } from './helpers.js';
import { extractTubelets } from '../src/model/inputs.js';
import { sampleTubeMask } from '../src/model/masking.js';
import { gridOf } from '../src/model/patchify.js';
import { Prng } from '@stratum/stats';

const data = toyDataset(6);
let e2eCheckpoint: Uint8Array;
let blockwiseCheckpoint: Uint8Array;

beforeAll(async () => {
  await selectBackend('wasm');
  const last = async (regime: 'e2e' | 'simultaneous') => {
    let bytes: Uint8Array | undefined;
    await train(toyConfig({ regime, blocks: 2, steps: 2 }), { dataset: data, onCheckpoint: (c) => void (bytes = c.bytes) });
    return bytes!;
  };
  e2eCheckpoint = await last('e2e');
  blockwiseCheckpoint = await last('simultaneous');
});

describe('embed', () => {
  it('returns pooled and token features at every block boundary and layer', async () => {
    const clips = batchOf(data, [0, 1, 2, 3, 4]);
    const out = await embed(e2eCheckpoint, clips, { layers: true, batchSize: 2 });
    expect(out.grid).toEqual([2, 4, 4]);
    expect(out.blocks.map((b) => [b.block, b.layer])).toEqual([[1, null], [2, null]]);
    expect(out.layers!.map((l) => [l.block, l.layer])).toEqual([[1, 1], [1, 2], [2, 3], [2, 4]]);
    for (const f of [...out.blocks, ...out.layers!]) {
      expect(f.pooledShape).toEqual([5, 16]);
      expect(f.tokenShape).toEqual([5, 32, 16]);
      expect(f.tokens.length).toBe(5 * 32 * 16);
      // pooled = mean over the 32 tokens
      const n = 3, d = 7;
      let s = 0;
      for (let t = 0; t < 32; t++) s += f.tokens[(n * 32 + t) * 16 + d]!;
      expect(f.pooled[n * 16 + d]).toBeCloseTo(s / 32, 5);
    }
    // block boundaries are the outputs of the block's last layer; block K includes the final norm
    expect(maxAbsDiff(out.blocks[0]!.tokens, out.layers![1]!.tokens)).toBe(0);
    expect(maxAbsDiff(out.blocks[1]!.tokens, out.layers![3]!.tokens)).toBe(0);
    // final LayerNorm (ones/zeros init, 2 steps of training): tokens have ≈ zero mean over features
    const tok = out.blocks[1]!.tokens.subarray(0, 16);
    expect(Math.abs(tok.reduce((a, b) => a + b, 0) / 16)).toBeLessThan(0.05);
  });

  it('reads an E2E model at the block boundaries of any K that divides its depth', async () => {
    const clips = batchOf(data, [0, 1, 2]);
    const own = await embed(e2eCheckpoint, clips, { layers: true, attention: true }); // K=2, depth 4
    const fine = await embed(e2eCheckpoint, clips, { partition: 4, attention: true });
    const coarse = await embed(e2eCheckpoint, clips, { partition: 1 });
    expect(fine.blocks.map((b) => [b.block, b.layer])).toEqual([[1, null], [2, null], [3, null], [4, null]]);
    // block k of K=4 is layer k's output; the last one is after the final LayerNorm, as layer 4's
    fine.blocks.forEach((b, k) => expect(maxAbsDiff(b.tokens, own.layers![k]!.tokens)).toBe(0));
    expect(coarse.blocks.map((b) => b.block)).toEqual([1]);
    expect(maxAbsDiff(coarse.blocks[0]!.pooled, own.blocks[1]!.pooled)).toBe(0);
    // the boundary attention is each reported block's last layer
    expect(fine.attention!.map((a) => [a.block, a.layer, a.blockEnd])).toEqual([[1, 1, true], [2, 2, true], [3, 3, true], [4, 4, true]]);
    expect(own.attention!.filter((a) => a.blockEnd).map((a) => a.layer)).toEqual([2, 4]);
    await expect(embed(e2eCheckpoint, clips, { partition: 3 })).rejects.toThrow(/divides the encoder depth 4/);
  });

  it('does not depend on how clips are batched, and can skip token features', async () => {
    const clips = batchOf(data, [0, 1, 2, 3, 4, 5]);
    const a = await embed(blockwiseCheckpoint, clips, { batchSize: 6 });
    const b = await embed(blockwiseCheckpoint, clips, { batchSize: 4, tokens: false });
    expect(maxAbsDiff(a.blocks[1]!.pooled, b.blocks[1]!.pooled)).toBeLessThan(1e-6);
    expect(b.blocks[0]!.tokens.length).toBe(0);
  });

  it('keeps token features of the first tokenClips clips only, in the same pass as every clip\'s pooled features', async () => {
    const clips = batchOf(data, [0, 1, 2, 3, 4]);
    const all = await embed(e2eCheckpoint, clips, { layers: true, batchSize: 2 });
    const some = await embed(e2eCheckpoint, clips, { layers: true, batchSize: 2, tokenClips: 3 });
    const sets = (e: typeof all) => [...e.blocks, ...e.layers!];
    sets(some).forEach((f, i) => {
      const full = sets(all)[i]!;
      expect(f.tokenShape).toEqual([3, 32, 16]);
      expect(f.tokens.length).toBe(3 * 32 * 16);
      expect(maxAbsDiff(f.tokens, full.tokens.subarray(0, 3 * 32 * 16))).toBe(0);
      expect(maxAbsDiff(f.pooled, full.pooled)).toBe(0);
    });
    await expect(embed(e2eCheckpoint, clips, { tokenClips: -1 })).rejects.toThrow(/tokenClips/);
  });

  it('returns clip-mean attention probabilities of each block end, or of every layer', async () => {
    const clips = batchOf(data, [0, 1, 2, 3, 4]);
    const blocksOnly = await embed(e2eCheckpoint, clips, { attention: true, tokens: false, batchSize: 2 });
    expect(blocksOnly.attention!.map((a) => [a.block, a.layer, a.blockEnd])).toEqual([[1, 2, true], [2, 4, true]]);
    const all = await embed(e2eCheckpoint, clips, { attention: true, layers: true, tokens: false, batchSize: 5 });
    expect(all.attention!.map((a) => [a.block, a.layer, a.blockEnd])).toEqual([[1, 1, false], [1, 2, true], [2, 3, false], [2, 4, true]]);
    for (const a of all.attention!) {
      expect([a.heads, a.tokens, a.data.length]).toEqual([2, 32, 2 * 32 * 32]);
      for (let row = 0; row < 2 * 32; row++) expect(a.data.subarray(row * 32, (row + 1) * 32).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
    }
    // The clip mean does not depend on batching, and is the mean of the clips' own maps.
    expect(maxAbsDiff(blocksOnly.attention![1]!.data, all.attention![3]!.data)).toBeLessThan(1e-6);
    const single = await Promise.all([0, 1, 2, 3, 4].map((i) => embed(e2eCheckpoint, batchOf(data, [i]), { attention: true, tokens: false })));
    const mean = single[0]!.attention![0]!.data.map((_, j) => single.reduce((sum, e) => sum + e.attention![0]!.data[j]!, 0) / 5);
    expect(maxAbsDiff(mean, blocksOnly.attention![0]!.data)).toBeLessThan(1e-6);
    // Not uniform: the trained layer attends selectively.
    expect(Math.max(...all.attention![0]!.data)).toBeGreaterThan(1 / 32 + 1e-3);
    expect((await embed(e2eCheckpoint, clips, { tokens: false })).attention).toBeUndefined();
  });

  it('rejects clips of the wrong shape', async () => {
    const clips = batchOf(data, [0]);
    await expect(embed(e2eCheckpoint, { clips: clips.clips, shape: [1, 4, 8, 4, 2] })).rejects.toThrow(/model expects 4×8×8×1/);
  });
});

describe('reconstructionError', () => {
  it('maps each decoder’s error to token positions', async () => {
    const clips = batchOf(data, [0, 1, 2, 3, 4, 5]);
    const e2e = await reconstructionError(e2eCheckpoint, clips, { seed: 1 });
    expect(e2e.map((m) => m.block)).toEqual([null]);
    const blockwise = await reconstructionError(blockwiseCheckpoint, clips, { seed: 1 });
    expect(blockwise.map((m) => m.block)).toEqual([1, 2]);
    for (const m of [...e2e, ...blockwise]) {
      expect(m.grid).toEqual([2, 4, 4]);
      expect(m.error.length).toBe(32);
      const total = m.count.reduce((a, b) => a + b, 0);
      expect(total).toBe(6 * 24); // 24 masked tokens per clip
      let weighted = 0;
      m.error.forEach((e, i) => (weighted += m.count[i]! > 0 ? e * m.count[i]! : 0));
      expect(weighted / total).toBeCloseTo(m.meanError, 4);
      m.count.forEach((c, i) => expect(Number.isNaN(m.error[i]!)).toBe(c === 0));
    }
  });

  it('gives the trivial reference on the same masks: the mean squared normalised target', async () => {
    const clips = batchOf(data, [0, 1, 2, 3, 4, 5]);
    const [map] = await reconstructionError(e2eCheckpoint, clips, { seed: 1 });
    const config = toyConfig();
    const grid = gridOf(config.model);
    const mask = sampleTubeMask(Prng.fromSeed(1, 'eval-mask'), 6, grid, config.model.maskRatio);
    const targets = extractTubelets(clips.clips, 6, config.model, grid, mask.masked, true);
    let sq = 0;
    for (const v of targets) sq += v * v;
    expect(map!.trivialError).toBeCloseTo(sq / targets.length, 5);
  });
});

describe('checkpoint format', () => {
  it('lays out magic, header length, JSON header and float32 blobs as documented', () => {
    const bytes = encodeCheckpoint(
      { config: toyConfig(), step: 3, stage: 0, rng: { mask: [1, 2, 3, 4] }, optimizers: [{ group: 0, t: 3 }], backend: 'wasm' },
      [
        { name: 'param/a', shape: [2], values: Float32Array.from([1.5, -2]) },
        { name: 'param/b', shape: [1, 1], values: Float32Array.from([0.25]) },
      ],
    );
    expect(Buffer.from(bytes.subarray(0, 8)).toString('latin1')).toBe(CHECKPOINT_MAGIC);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    const h = view.getUint32(8, true);
    expect((12 + h) % 8).toBe(0);
    const header = JSON.parse(Buffer.from(bytes.subarray(12, 12 + h)).toString('utf8'));
    expect(header.tensors).toEqual([
      { name: 'param/a', shape: [2], offset: 0, length: 2 },
      { name: 'param/b', shape: [1, 1], offset: 8, length: 1 },
    ]);
    expect([view.getFloat32(12 + h, true), view.getFloat32(12 + h + 4, true), view.getFloat32(12 + h + 8, true)]).toEqual([1.5, -2, 0.25]);
    expect(bytes.length).toBe(12 + h + 12);
    const back = decodeCheckpoint(bytes);
    expect(Array.from(back.tensors.get('param/a')!.values)).toEqual([1.5, -2]);
    expect(back.header).toMatchObject({ step: 3, rng: { mask: [1, 2, 3, 4] } });
    expect(sha256Hex(bytes)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects foreign or truncated bytes', () => {
    expect(() => decodeCheckpoint(new Uint8Array(20))).toThrow(CheckpointError);
    expect(() => decodeCheckpoint(e2eCheckpoint.subarray(0, e2eCheckpoint.length - 4))).toThrow(/truncated/);
  });
});
