import { describe, expect, it } from 'vitest';
import { bounce, MovingMnist, movingMnist, renderMovingDigits } from '../src/moving-mnist.js';

/** Intensity centroid (x, y) of one [size, size] frame. */
function centroid(clip: Float32Array, t: number, size: number): [number, number] {
  let m = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const v = clip[t * size * size + y * size + x]!;
      m += v;
      sx += v * x;
      sy += v * y;
    }
  }
  return [sx / m, sy / m];
}

/** Direction bin from a displacement in image coordinates (y down), 45° bins counter-clockwise. */
const binOf = (dx: number, dy: number): number => ((Math.round((Math.atan2(-dy, dx) * 180) / Math.PI / 45) % 8) + 8) % 8;

describe('renderMovingDigits on a constructed digit', () => {
  // A 4×4 "digit" of ones: its centroid sits at (1.5, 1.5) from its top-left corner.
  const block = new Float32Array(16).fill(1);
  const opts = { frames: 6, size: 20, digitSize: 4 };

  it('moves the centroid by exactly the velocity per frame, sub-pixel included', () => {
    const clip = renderMovingDigits([block], [{ x0: 1.25, y0: 3, vx: 2, vy: 0 }], opts);
    for (let t = 0; t < 6; t++) {
      const [cx, cy] = centroid(clip, t, 20);
      expect(cx).toBeCloseTo(1.25 + 2 * t + 1.5, 4);
      expect(cy).toBeCloseTo(3 + 1.5, 4);
    }
  });

  it('reflects off the walls', () => {
    // span = 20 - 4 = 16; start at x = 15 moving right by 2 → 17 folds to 15, then 19 → 13.
    const clip = renderMovingDigits([block], [{ x0: 15, y0: 0, vx: 2, vy: 0 }], opts);
    const xs = [0, 1, 2, 3].map((t) => centroid(clip, t, 20)[0] - 1.5);
    [15, 15, 13, 11].forEach((x, t) => expect(xs[t]).toBeCloseTo(x, 4));
    expect(bounce(17, 16)).toBe(15);
    expect(bounce(-3, 16)).toBe(3);
    expect(bounce(40, 16)).toBe(8); // 40 → 32 (one full period) → 8
  });
});

describe('moving-mnist dataset', () => {
  const ds = movingMnist({ seed: 3, count: 300 });

  it('has the documented shape, targets and value range', () => {
    expect(ds.shape).toEqual({ frames: 16, height: 32, width: 32, channels: 1 });
    expect(ds.targets.map((t) => [t.name, t.numClasses])).toEqual([['digit', 10], ['direction', 8], ['speed', 3]]);
    const { clip } = ds.get(0);
    expect(clip.length).toBe(16 * 32 * 32);
    expect(Math.min(...clip)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...clip)).toBeLessThanOrEqual(1);
    expect(Math.max(...clip)).toBeGreaterThan(0.5);
  });

  it('labels the direction and speed the digit actually moves with (measured from pixels)', () => {
    const speeds = [1, 2, 3];
    let checked = 0;
    for (let i = 0; i < ds.size; i++) {
      const { clip, labels } = ds.get(i);
      const [m] = ds.describe(i);
      const span = 32 - 14;
      // Frames before the first wall contact move freely.
      let free = 0;
      while (free + 1 < 16) {
        const x = m!.x0 + m!.vx * (free + 1);
        const y = m!.y0 + m!.vy * (free + 1);
        if (x < 0 || x > span || y < 0 || y > span) break;
        free++;
      }
      if (free === 0) continue;
      const [x0, y0] = centroid(clip, 0, 32);
      const [x1, y1] = centroid(clip, free, 32);
      const dx = (x1 - x0) / free;
      const dy = (y1 - y0) / free;
      expect(binOf(dx, dy)).toBe(labels.direction);
      expect(Math.hypot(dx, dy)).toBeCloseTo(speeds[labels.speed!]!, 3);
      expect(labels.digit).toBe(m!.digit);
      checked++;
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('keeps the direction bin exact under angle jitter', () => {
    const jittered = movingMnist({ seed: 5, count: 200, directionJitterDeg: 20, speeds: [2] });
    let measured = 0;
    for (let i = 0; i < jittered.size; i++) {
      const [m] = jittered.describe(i);
      if (m!.x0 + m!.vx < 0 || m!.x0 + m!.vx > 18 || m!.y0 + m!.vy < 0 || m!.y0 + m!.vy > 18) continue;
      const { clip, labels } = jittered.get(i);
      const [x0, y0] = centroid(clip, 0, 32);
      const [x1, y1] = centroid(clip, 1, 32);
      expect(binOf(x1 - x0, y1 - y0)).toBe(labels.direction);
      expect(Math.abs(m!.angleDeg - 45 * labels.direction!)).toBeLessThanOrEqual(20);
      measured++;
    }
    expect(measured).toBeGreaterThan(100);
  });

  it('covers every class of every target', () => {
    const seen = { digit: new Set<number>(), direction: new Set<number>(), speed: new Set<number>() };
    for (let i = 0; i < ds.size; i++) {
      const l = ds.get(i).labels;
      seen.digit.add(l.digit!);
      seen.direction.add(l.direction!);
      seen.speed.add(l.speed!);
    }
    expect([seen.digit.size, seen.direction.size, seen.speed.size]).toEqual([10, 8, 3]);
  });

  it('is deterministic by (config, seed, index), in any access order', () => {
    const a = movingMnist({ seed: 11, count: 50, digits: 2 });
    const b = movingMnist({ seed: 11, count: 50, digits: 2 });
    const late = a.get(42).clip;
    for (let i = 0; i < 10; i++) expect(a.get(i).clip).toEqual(b.get(i).clip);
    expect(b.get(42).clip).toEqual(late);
    const c = movingMnist({ seed: 12, count: 50, digits: 2 });
    expect(c.get(0).clip).not.toEqual(a.get(0).clip);
    expect(a.get(1).clip).not.toEqual(a.get(0).clip);
  });

  it('draws train and test digits from disjoint parts of MNIST', () => {
    const train = new MovingMnist({ seed: 1, count: 3000, split: 'train' });
    const test = new MovingMnist({ seed: 1, count: 3000, split: 'test' });
    const key = (m: { digit: number; indexInClass: number }) => `${m.digit}:${m.indexInClass}`;
    const pixels = (img: Float32Array) => Array.from(img, (v) => v.toFixed(3)).join(',');
    const trainKeys = new Set<string>();
    const trainImages = new Set<string>();
    for (let i = 0; i < train.size; i++) {
      const [m] = train.describe(i);
      trainKeys.add(key(m!));
      trainImages.add(pixels(train.digitImage(m!.poolIndex)));
    }
    for (let i = 0; i < test.size; i++) {
      const [m] = test.describe(i);
      expect(trainKeys.has(key(m!))).toBe(false);
      expect(trainImages.has(pixels(test.digitImage(m!.poolIndex)))).toBe(false);
    }
    expect(trainKeys.size).toBeGreaterThan(2000);
  });

  it('rejects invalid options naming the field', () => {
    expect(() => movingMnist({ speeds: [] })).toThrow(/"speeds"/);
    expect(() => movingMnist({ directionJitterDeg: 30 })).toThrow(/"directionJitterDeg"/);
    expect(() => movingMnist({ digitSize: 40 })).toThrow(/"digitSize"/);
    expect(() => movingMnist({ split: 'val' as 'train' })).toThrow(/"split"/);
    expect(() => ds.get(300)).toThrow(RangeError);
  });
});
