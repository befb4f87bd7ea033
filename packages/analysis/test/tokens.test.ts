import { describe, expect, it } from 'vitest';
import { meanTokenCosine, meanTokenCosineBatch, occlusionDrop, tokenNormStatistics } from '../src/index.js';
import { randomMatrix } from './helpers.js';

describe('meanTokenCosine', () => {
  // Tokens t₁ = (1, 2, 3), t₂ = (3, 2, 1), t₃ = (0, 0, 3). Standardising removes each mean
  // (2, 2, 1) and rescales; only directions matter after L2-normalisation:
  //   c₁ = (−1, 0, 1), c₂ = (1, 0, −1), c₃ = (−1, −1, 2).
  // cos(1,2) = −1; cos(1,3) = 3/(√2·√6) = √3/2; cos(2,3) = −√3/2.
  // Mean over the 6 ordered pairs = 2·(−1 + √3/2 − √3/2)/6 = −1/3.
  const clip = [[1, 2, 3], [3, 2, 1], [0, 0, 3]];
  it('matches the hand-computed example', () => {
    expect(meanTokenCosine(clip)).toBeCloseTo(-1 / 3, 14);
  });

  it('matches the direct pairwise mean and ignores per-token shift and scale', () => {
    const tokens = randomMatrix(7, 5, 3);
    const standardised = tokens.map((t) => {
      const mu = t.reduce((s, v) => s + v, 0) / t.length;
      const sd = Math.sqrt(t.reduce((s, v) => s + (v - mu) ** 2, 0) / t.length + 1e-6);
      const u = t.map((v) => (v - mu) / sd);
      const norm = Math.hypot(...u);
      return u.map((v) => v / norm);
    });
    let s = 0;
    for (let i = 0; i < 7; i++) for (let j = 0; j < 7; j++) if (i !== j) s += (standardised[i] as number[]).reduce((t, v, k) => t + v * ((standardised[j] as number[])[k] as number), 0);
    expect(meanTokenCosine(tokens)).toBeCloseTo(s / 42, 13);
    const warped = tokens.map((t, i) => t.map((v) => v * (i + 1) * 3 - 7 * i));
    expect(meanTokenCosine(warped)).toBeCloseTo(s / 42, 12);
  });

  it('averages over clips in a [clips, tokens, dim] batch', () => {
    const other = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]; // centred rows pairwise cos = −1/2
    const batch = { clips: 2, tokens: 3, dim: 3, data: new Float32Array([...clip.flat(), ...other.flat()]) };
    const result = meanTokenCosineBatch(batch);
    expect(result.perClip[0]).toBeCloseTo(-1 / 3, 6);
    expect(result.perClip[1]).toBeCloseTo(-1 / 2, 6);
    expect(result.mean).toBeCloseTo((-1 / 3 - 1 / 2) / 2, 6);
    expect(meanTokenCosineBatch([clip, other]).mean).toBeCloseTo((-1 / 3 - 1 / 2) / 2, 14);
  });

  it('refuses constant tokens, single tokens and ragged clips', () => {
    expect(() => meanTokenCosine([[1, 2, 3], [4, 4, 4]])).toThrow(/meanTokenCosine: token 1 of clip 0 is constant/);
    expect(() => meanTokenCosine([[1, 2, 3]])).toThrow(/at least 2 tokens/);
    expect(() => meanTokenCosineBatch([clip, [[1, 2, 3]]])).toThrow(/clip 1 has shape/);
    expect(() => meanTokenCosineBatch({ clips: 1, tokens: 2, dim: 2, data: new Float64Array([1, 2, 3, NaN]) })).toThrow(/NaN/);
  });
});

describe('tokenNormStatistics', () => {
  it('describes the L2 norms of all tokens', () => {
    const s = tokenNormStatistics([[[3, 4], [0, 1]], [[6, 8], [0, 0]]]);
    expect(s.mean).toBeCloseTo(4, 14); // norms 5, 1, 10, 0
    expect(s.max).toBe(10);
    expect(s.min).toBe(0);
    expect(s.std).toBeCloseTo(Math.sqrt((1 + 9 + 36 + 16) / 4), 14);
  });
});

describe('occlusionDrop', () => {
  it('is the relative accuracy lost', () => {
    expect(occlusionDrop(0.8, 0.2)).toBeCloseTo(0.75, 15);
    expect(occlusionDrop(0.5, 0.6)).toBeCloseTo(-0.2, 15);
    expect(() => occlusionDrop(0, 0)).toThrow(/accFull is 0/);
    expect(() => occlusionDrop(1.2, 0.1)).toThrow(/in \[0, 1\]/);
  });
});
