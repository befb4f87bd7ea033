import { describe, expect, it } from 'vitest';
import { meanAttentionDistance } from '../src/index.js';

const grid = { t: 2, h: 2, w: 2 };
const patch = { t: 2, h: 16, w: 16 };
const N = 8;

function head(fill: (i: number, j: number) => number): number[][] {
  return Array.from({ length: N }, (_, i) => Array.from({ length: N }, (__, j) => fill(i, j)));
}

describe('meanAttentionDistance', () => {
  it('uniform attention on a 2×2×2 grid', () => {
    // Every query sees: 2 tokens at its (h, w) (0 px), 4 at a side neighbour (16 px) and 2 at
    // the diagonal (16√2 px): spatial mean (0·2 + 16·4 + 16√2·2)/8 = 8 + 4√2.
    // Temporally 4 tokens share its time slice (0 frames) and 4 are one tubelet away (2 frames): mean 1.
    const r = meanAttentionDistance([head(() => 1 / N)], grid, patch);
    expect(r.spatial).toBeCloseTo(8 + 4 * Math.SQRT2, 12);
    expect(r.temporal).toBeCloseTo(1, 14);
  });

  it('self-attention has distance 0; attention to one token follows the layout (t, h, w), w fastest', () => {
    const self = head((i, j) => (i === j ? 1 : 0));
    // Everyone attends to token 7 = (t 1, h 1, w 1).
    const toLast = head((_, j) => (j === 7 ? 1 : 0));
    const r = meanAttentionDistance({ heads: 2, tokens: N, data: Float32Array.from([...self.flat(), ...toLast.flat()]) }, grid, patch);
    expect(r.spatialPerHead[0]).toBe(0);
    expect(r.temporalPerHead[0]).toBe(0);
    // Spatial offsets to (1, 1): per time slice 16√2 (from (0,0)), 16, 16, 0 → mean (16√2 + 32)/4.
    expect(r.spatialPerHead[1]).toBeCloseTo((16 * Math.SQRT2 + 32) / 4, 5);
    // Half the queries are in slice 0 (2 frames away).
    expect(r.temporalPerHead[1]).toBeCloseTo(1, 6);
    expect(r.spatial).toBeCloseTo((16 * Math.SQRT2 + 32) / 8, 5);
  });

  it('refuses rows that are not probabilities and mismatched grids', () => {
    expect(() => meanAttentionDistance([head(() => 1)], grid, patch)).toThrow(/row 0 sums to 8/);
    expect(() => meanAttentionDistance([head((i, j) => (j === 0 ? 2 : j === 1 ? -1 : 0))], grid, patch)).toThrow(/negative/);
    expect(() => meanAttentionDistance([head(() => 1 / N)], { t: 1, h: 2, w: 2 }, patch)).toThrow(/grid has 4 tokens/);
  });
});
