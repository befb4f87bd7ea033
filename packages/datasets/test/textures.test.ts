import { describe, expect, it } from 'vitest';
import { createDataset } from '../src/create.js';
import { Textures } from '../src/textures.js';
import { DatasetSpecError } from '../src/validate.js';

const px = (clip: Float32Array, size: number, t: number, x: number, y: number) => clip[(t * size + y) * size + x]!;

describe('textures', () => {
  const ds = new Textures({ count: 64 });

  it('tiles one period×period pattern: every 4×4 patch of a frame holds the same pixels', () => {
    for (const i of [0, 7, 33]) {
      const { clip } = ds.get(i);
      for (const t of [0, 5, 15]) {
        for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) expect(px(clip, 32, t, x, y)).toBe(px(clip, 32, t, x % 4, y % 4));
      }
    }
  });

  it('drifts by speed pixels per frame in the labelled direction (45° bins counter-clockwise, y up on screen)', () => {
    const steps: Record<number, [number, number]> = { 0: [1, 0], 1: [1, -1], 2: [0, -1], 3: [-1, -1], 4: [-1, 0], 5: [-1, 1], 6: [0, 1], 7: [1, 1] };
    const seen = new Set<number>();
    for (let i = 0; i < 64; i++) {
      const { clip, labels } = ds.get(i);
      const [dx, dy] = steps[labels.direction!]!;
      seen.add(labels.direction!);
      // Frame t+1 at (x, y) shows what frame t showed at (x − dx, y − dy).
      for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) expect(px(clip, 32, 3, x + 4, y + 4)).toBe(px(clip, 32, 2, x + 4 - dx, y + 4 - dy));
    }
    expect(seen.size).toBe(8);
  });

  it('is deterministic, shares prototypes across splits, and draws different clips per split', () => {
    expect(new Textures({ count: 8 }).get(3).clip).toEqual(ds.get(3).clip);
    const test = new Textures({ count: 64, split: 'test' });
    expect(test.get(3).clip).not.toEqual(ds.get(3).clip);
    // Same texture label → the same prototype up to jitter and contrast: highly correlated patterns.
    const a = ds.describe(0);
    const b = Array.from({ length: 64 }, (_, i) => test.describe(i)).find((p) => p.texture === a.texture)!;
    const centred = (p: Float32Array) => { const m = p.reduce((s, v) => s + v, 0) / p.length; return Array.from(p, (v) => v - m); };
    const [u, v] = [centred(a.pattern), centred(b.pattern)];
    const dot = u.reduce((s, x, k) => s + x * v[k]!, 0) / Math.sqrt(u.reduce((s, x) => s + x * x, 0) * v.reduce((s, x) => s + x * x, 0));
    expect(dot).toBeGreaterThan(0.6);
    expect(ds.targets.map((t) => t.name)).toEqual(['texture', 'direction']);
    expect(new Textures({ period: 8, speeds: [1, 2, 3] }).targets.map((t) => t.name)).toEqual(['texture', 'direction', 'speed']);
  });

  it('refuses a speed whose opposite drift looks the same, and unknown options, naming the field', () => {
    expect(() => createDataset({ name: 'textures', speeds: [2] })).toThrow(/speeds.*\[1, 1\]/);
    expect(() => createDataset({ name: 'textures', peroid: 4 } as never)).toThrow(DatasetSpecError);
    expect(() => createDataset({ name: 'textures', noise: 2 })).toThrow(/noise/);
  });
});
