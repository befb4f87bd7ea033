import { describe, expect, it } from 'vitest';
import { keepRandomPatches } from '../src/occlusion.js';

/** Clips [N, T, H, W, C] whose every value is 1 + its index (so nothing kept is 0). */
function ramp(shape: [number, number, number, number, number]): Float32Array {
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i + 1);
}

describe('keepRandomPatches (OccDrop, as the released occlusion.py)', () => {
  it('keeps one aligned patch per clip, the same in every frame, and zeroes the rest', () => {
    const shape: [number, number, number, number, number] = [6, 3, 8, 12, 2];
    const clips = ramp(shape);
    const { clips: out, kept } = keepRandomPatches(clips, shape, { patch: [4, 4], seed: 3 });
    const [n, t, h, w, c] = shape;
    for (let i = 0; i < n; i++) {
      expect(kept[i]).toHaveLength(1);
      const { y0, x0 } = kept[i]![0]!;
      expect(y0 % 4).toBe(0);
      expect(x0 % 4).toBe(0);
      for (let f = 0; f < t; f++) {
        for (let y = 0; y < h; y++) {
          for (let x = 0; x < w; x++) {
            for (let k = 0; k < c; k++) {
              const at = (((i * t + f) * h + y) * w + x) * c + k;
              const inside = y >= y0 && y < y0 + 4 && x >= x0 && x < x0 + 4;
              expect(out[at]).toBe(inside ? clips[at] : 0);
            }
          }
        }
      }
    }
    // Random, not the centre patch: positions vary over clips and are seeded.
    expect(new Set(kept.map((k) => `${k[0]!.y0},${k[0]!.x0}`)).size).toBeGreaterThan(1);
    expect(keepRandomPatches(clips, shape, { patch: [4, 4], seed: 3 }).kept).toEqual(kept);
  });

  it('on double gratings keeps one patch wholly inside each half', () => {
    const shape: [number, number, number, number, number] = [40, 1, 16, 32, 1];
    const { clips: out, kept } = keepRandomPatches(ramp(shape), shape, { patch: [8, 8], halves: true, seed: 1 });
    const lefts = new Set<number>();
    const rights = new Set<number>();
    kept.forEach(([left, right]) => {
      expect(left!.x0 + 8).toBeLessThanOrEqual(16);
      expect(right!.x0).toBeGreaterThanOrEqual(16);
      lefts.add(left!.x0);
      rights.add(right!.x0);
    });
    // Every aligned column of each half is drawn.
    expect([...lefts].sort((a, b) => a - b)).toEqual([0, 8]);
    expect([...rights].sort((a, b) => a - b)).toEqual([16, 24]);
    // Exactly two 8×8 windows survive per clip.
    const frame = 16 * 32;
    for (let i = 0; i < 40; i++) expect(out.subarray(i * frame, (i + 1) * frame).filter((v) => v !== 0).length).toBe(2 * 64);
  });

  it('refuses frames that are not a multiple of the patch, and halves too narrow for one', () => {
    expect(() => keepRandomPatches(new Float32Array(10 * 10), [1, 1, 10, 10, 1], { patch: [4, 4] })).toThrow(/not a multiple of the 4×4 patch/);
    expect(() => keepRandomPatches(new Float32Array(8 * 8), [1, 1, 8, 8, 1], { patch: [8, 8], halves: true })).toThrow(/no 8-pixel patch wholly inside each half/);
    expect(() => keepRandomPatches(new Float32Array(3), [1, 1, 2, 2, 1], { patch: [1, 1] })).toThrow(/clips has 3 values/);
  });
});
