import { describe, expect, it } from 'vitest';
import { Rng, seededRandom, shuffleInPlace } from '../src/index.js';

describe('seeded random generator', () => {
  it('repeats its stream for a seed, and seededRandom is the same generator', () => {
    const a = new Rng(42);
    const b = seededRandom(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  it('draws uniform integers and standard normals with the right moments', () => {
    const rng = new Rng(7);
    const counts = new Array<number>(5).fill(0);
    let sum = 0;
    let squares = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      counts[rng.int(5)]!++;
      const z = rng.normal();
      sum += z;
      squares += z * z;
    }
    for (const count of counts) expect(Math.abs(count / n - 0.2)).toBeLessThan(0.015);
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(squares / n - 1)).toBeLessThan(0.04);
    expect(() => rng.int(0)).toThrow(/positive integer/);
  });

  it('shuffles into a permutation, the same one for the same seed', () => {
    const shuffled = (seed: number) => {
      const a = Array.from({ length: 50 }, (_, i) => i);
      shuffleInPlace(a, new Rng(seed));
      return a;
    };
    expect([...shuffled(3)].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(shuffled(3)).toEqual(shuffled(3));
    expect(shuffled(3)).not.toEqual(shuffled(4));
  });
});
