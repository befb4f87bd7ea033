import { describe, expect, it } from 'vitest';
import { resampleArea } from '../src/resample.js';

describe('resampleArea', () => {
  // 4×4 single-channel image with value 10·row + col.
  const src = Float32Array.from({ length: 16 }, (_, i) => 10 * Math.floor(i / 4) + (i % 4));

  it('copies an integral window at scale 1, and mirrors it when flipped', () => {
    const out = new Float32Array(4);
    resampleArea(src, 4, 4, 1, { x0: 1, y0: 2, width: 2, height: 2 }, 2, 2, out);
    expect([...out]).toEqual([21, 22, 31, 32]);
    resampleArea(src, 4, 4, 1, { x0: 1, y0: 2, width: 2, height: 2 }, 2, 2, out, 0, { flip: true });
    expect([...out]).toEqual([22, 21, 32, 31]);
  });

  it('averages 2×2 blocks when halving', () => {
    const out = new Float32Array(4);
    resampleArea(src, 4, 4, 1, { x0: 0, y0: 0, width: 4, height: 4 }, 2, 2, out);
    // top-left block 0,1,10,11 → 5.5; top-right 2,3,12,13 → 7.5; …
    expect([...out]).toEqual([5.5, 7.5, 25.5, 27.5]);
  });

  it('weights fractional overlaps and keeps channels apart', () => {
    // 3 pixels, 2 channels: c0 = 0, 3, 6; c1 = 1, 1, 1. Window [0.5, 2.5) → one output pixel.
    const rgb = [0, 1, 3, 1, 6, 1];
    const out = new Float32Array(2);
    resampleArea(rgb, 3, 1, 2, { x0: 0.5, y0: 0, width: 2, height: 1 }, 1, 1, out);
    expect(out[0]).toBeCloseTo((0.5 * 0 + 1 * 3 + 0.5 * 6) / 2, 6);
    expect(out[1]).toBeCloseTo(1, 6);
  });
});
