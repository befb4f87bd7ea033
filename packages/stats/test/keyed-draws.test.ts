import { describe, expect, it } from 'vitest';
import { hashInts, permutation, Rng, rngFor } from '../src/random.js';

describe('keyed draws: rngFor, hashInts, permutation', () => {
  it('repeats a stream for the same seed and differs across seeds', () => {
    const draw = (seed: number) => Array.from({ length: 8 }, ((r) => () => r.nextU32())(new Rng(seed)));
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('gives floats in [0, 1) with a mean near 1/2', () => {
    const r = rngFor(1, 2, 3);
    let sum = 0;
    for (let i = 0; i < 20_000; i++) {
      const x = r.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
    }
    expect(Math.abs(sum / 20_000 - 0.5)).toBeLessThan(0.01);
  });

  it('hashes every part of a key, including the high half of large seeds', () => {
    expect(hashInts(1, 2)).not.toBe(hashInts(2, 1));
    expect(hashInts(1)).not.toBe(hashInts(2 ** 32 + 1));
    expect(hashInts(-1)).not.toBe(hashInts(2 ** 32 - 1));
    expect(() => hashInts(0.5)).toThrow(/safe integer/);
  });

  it('int(n) covers 0..n-1 and permutation is a permutation', () => {
    const r = new Rng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 500; i++) seen.add(r.int(7));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const p = permutation(100, new Rng(9));
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...p]).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});
