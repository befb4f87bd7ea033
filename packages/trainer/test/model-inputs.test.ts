import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../src/backend.js';
import { PRESETS, type ModelConfig } from '@stratum/run-config';
import { maskedInputsJs, maskedInputsTensor, disposeInputs } from '../src/model/inputs.js';
import { flatRows, sampleTubeMask } from '../src/model/masking.js';
import { gridOf, normalisedTargets, patchify, unpatchify } from '../src/model/patchify.js';
import { sinusoidTable } from '../src/model/position.js';
import { Prng } from '@stratum/stats';
import { maxAbsDiff, randn } from './helpers.js';

const geometry: ModelConfig = { ...PRESETS.nano(), frames: 4, height: 6, width: 8, channels: 3, tubelet: [2, 3, 2] };

beforeAll(async () => {
  await selectBackend('wasm');
});

describe('patchify', () => {
  it('puts clip[b, t, y, x, c] at token (t/tt, y/th, x/tw), offset ((t%tt)·th + y%th)·tw·C + (x%tw)·C + c', () => {
    const [B, T, H, W, C] = [2, 4, 6, 8, 3];
    const [tt, th, tw] = geometry.tubelet;
    const clips = randn(B * T * H * W * C, 3);
    const patches = tf.tidy(() => patchify(tf.tensor5d(clips, [B, T, H, W, C]), geometry).arraySync());
    const { gh, gw, tokens, patchDim } = gridOf(geometry);
    expect([patches.length, patches[0]!.length, patches[0]![0]!.length]).toEqual([B, tokens, patchDim]);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++)
        for (let y = 0; y < H; y++)
          for (let x = 0; x < W; x++)
            for (let c = 0; c < C; c++) {
              const token = (Math.floor(t / tt) * gh + Math.floor(y / th)) * gw + Math.floor(x / tw);
              const offset = (((t % tt) * th + (y % th)) * tw + (x % tw)) * C + c;
              expect(patches[b]![token]![offset]).toBe(clips[(((b * T + t) * H + y) * W + x) * C + c]);
            }
  });

  it('round-trips through unpatchify exactly', () => {
    const clips = randn(2 * 4 * 6 * 8 * 3, 4);
    const back = tf.tidy(() => unpatchify(patchify(tf.tensor5d(clips, [2, 4, 6, 8, 3]), geometry), geometry).dataSync());
    expect(Array.from(back)).toEqual(Array.from(clips));
  });
});

describe('step inputs', () => {
  it('are the same whether built in JS or with patchify + gather', () => {
    const m: ModelConfig = { ...geometry, embedDim: 6, decoderDim: 4, maskRatio: 0.5 };
    const grid = gridOf(m); // 2×2×4 = 16 tokens, 8 spatial, 4 masked per slice
    const tables = { encoder: sinusoidTable(grid.tokens, 6), decoder: sinusoidTable(grid.tokens, 4) };
    const clips = randn(3 * 4 * 6 * 8 * 3, 8);
    const mask = sampleTubeMask(Prng.fromSeed(2, 'mask'), 3, grid, m.maskRatio);
    const js = maskedInputsJs(clips, mask, m, grid, tables);
    const x = tf.tensor5d(clips, [3, 4, 6, 8, 3]);
    const ts = maskedInputsTensor(x, mask, m, grid, tables);
    x.dispose();
    for (const key of ['visiblePatches', 'encoderPos', 'decoderPosVisible', 'decoderPosMasked', 'targets'] as const) {
      expect(js[key].shape).toEqual(ts[key].shape);
      expect(maxAbsDiff(js[key].dataSync(), ts[key].dataSync())).toBeLessThan(key === 'targets' ? 2e-5 : 1e-7);
    }
    expect(js.visiblePatches.shape).toEqual([3 * 8, 2 * 3 * 2 * 3]);
    expect(js.targets.shape).toEqual([3 * 8, 36]);
    disposeInputs(js);
    disposeInputs(ts);
  });
});

describe('normalisedTargets', () => {
  it('normalises each patch per channel by its mean and unbiased std + 1e-6', () => {
    // two patches of 4 pixels × 2 channels, laid out (pixel, channel)
    const values = [1, 10, 2, 20, 3, 30, 6, 40, /* patch 2: constant channel 0 */ 5, 1, 5, 2, 5, 3, 5, 4];
    const out = tf.tidy(() => normalisedTargets(tf.tensor2d(values, [2, 8]), 2).dataSync());
    const expected: number[] = [];
    for (let p = 0; p < 2; p++) {
      const stats = [0, 1].map((c) => {
        const xs = [0, 1, 2, 3].map((i) => values[p * 8 + i * 2 + c]!);
        const mean = xs.reduce((a, b) => a + b) / 4;
        const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / 3);
        return { mean, std };
      });
      for (let i = 0; i < 4; i++) for (let c = 0; c < 2; c++) expected.push((values[p * 8 + i * 2 + c]! - stats[c]!.mean) / (stats[c]!.std + 1e-6));
    }
    expect(maxAbsDiff(out, expected)).toBeLessThan(1e-5);
    expect(Array.from(out.slice(8)).filter((_, i) => i % 2 === 0)).toEqual([0, 0, 0, 0]); // constant channel → 0
  });
});

describe('tube masking', () => {
  const grid = gridOf(PRESETS.nano()); // 2×8×8

  it('hides exactly floor(0.9·64) spatial positions in every time slice, the same ones', () => {
    const mask = sampleTubeMask(Prng.fromSeed(7, 'mask'), 5, grid, 0.9);
    expect(mask.maskedPerClip).toBe(2 * 57);
    expect(mask.visiblePerClip).toBe(2 * 7);
    expect(mask.visible.length).toBe(5 * 14);
    const spatialSets = new Set<string>();
    for (let b = 0; b < 5; b++) {
      const vis = Array.from(mask.visible.slice(b * 14, (b + 1) * 14));
      const hid = Array.from(mask.masked.slice(b * 114, (b + 1) * 114));
      expect(new Set([...vis, ...hid]).size).toBe(128); // a partition of all tokens
      expect([...vis].sort((a, c) => a - c)).toEqual(vis); // ascending
      const perSlice = [0, 1].map((t) => vis.filter((id) => Math.floor(id / 64) === t).map((id) => id % 64));
      expect(perSlice[0]).toEqual(perSlice[1]); // one spatial mask for all time slices
      expect(perSlice[0]!.length).toBe(7);
      spatialSets.add(perSlice[0]!.join(','));
    }
    expect(spatialSets.size).toBeGreaterThan(1); // drawn per clip
  });

  it('is a pure function of the PRNG state', () => {
    const a = sampleTubeMask(Prng.fromSeed(3, 'mask'), 4, grid, 0.9);
    const b = sampleTubeMask(Prng.fromSeed(3, 'mask'), 4, grid, 0.9);
    const c = sampleTubeMask(Prng.fromSeed(4, 'mask'), 4, grid, 0.9);
    expect(Array.from(a.visible)).toEqual(Array.from(b.visible));
    expect(Array.from(a.visible)).not.toEqual(Array.from(c.visible));
  });

  it('covers every spatial position about equally often', () => {
    const counts = new Array(64).fill(0);
    const rng = Prng.fromSeed(11, 'mask');
    for (let i = 0; i < 200; i++) {
      const m = sampleTubeMask(rng, 10, grid, 0.9);
      for (let j = 0; j < m.visible.length; j++) if (m.visible[j]! < 64) counts[m.visible[j]!]++;
    }
    const expected = (200 * 10 * 7) / 64; // ≈ 219
    expect(Math.min(...counts)).toBeGreaterThan(expected * 0.7);
    expect(Math.max(...counts)).toBeLessThan(expected * 1.3);
  });

  it('maps per-clip token ids to rows of the [B·N, …] matrix', () => {
    expect(Array.from(flatRows(Int32Array.from([1, 5, 0, 7]), 2, 8))).toEqual([1, 5, 8, 15]);
  });
});

describe('sinusoid position table', () => {
  it("matches VideoMAE's get_sinusoid_encoding_table on hand-computed entries", () => {
    const d = 8;
    const table = sinusoidTable(5, d);
    expect(table.length).toBe(40);
    // position 0: sin(0)=0 on even dims, cos(0)=1 on odd dims
    expect(Array.from(table.slice(0, 8))).toEqual([0, 1, 0, 1, 0, 1, 0, 1]);
    // position 3, dims 0/1 share angle 3 / 10000^0 = 3
    expect(table[3 * d + 0]).toBeCloseTo(Math.sin(3), 6);
    expect(table[3 * d + 1]).toBeCloseTo(Math.cos(3), 6);
    // dims 2/3: angle = 3 / 10000^(2/8) = 3 / 10
    expect(table[3 * d + 2]).toBeCloseTo(Math.sin(0.3), 6);
    expect(table[3 * d + 3]).toBeCloseTo(Math.cos(0.3), 6);
    // dims 6/7: angle = 4 / 10000^(6/8) = 4 / 1000
    expect(table[4 * d + 6]).toBeCloseTo(Math.sin(0.004), 7);
    expect(table[4 * d + 7]).toBeCloseTo(Math.cos(0.004), 7);
  });
});
