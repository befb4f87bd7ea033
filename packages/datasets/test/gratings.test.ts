import { describe, expect, it } from 'vitest';
import { doubleGratings } from '../src/double-gratings.js';
import { driftingGrating, linspaceUnit } from '../src/grating.js';
import { gratings } from '../src/gratings.js';

const base = { width: 5, height: 5, frames: 3, spatialFreq: 1, temporalFreq: 1, frameRate: 4, contrast: 0.5 };
/** Pixel (frame t, row r, column c) of a [T, H, W] grating. */
const px = (g: Float32Array, t: number, r: number, c: number, w = 5, h = 5) => g[(t * h + r) * w + c]!;

describe('driftingGrating (the formula in paper-notes.md)', () => {
  it('θ = 0: varies along x only; hand-computed corners, centre and drift', () => {
    // x = linspace(-1,1,5) = -1, -0.5, 0, 0.5, 1; phase π/2 → 0.5·cos(π·x) at frame 0.
    const g = driftingGrating({ ...base, orientationDeg: 0, phase: Math.PI / 2 });
    const frame0 = [-0.5, 0, 0.5, 0, -0.5];
    // frame 1 adds 2π·1/4 = π/2: 0.5·sin(πx + π) = -0.5·sin(πx) → 0, 0.5, 0, -0.5, 0.
    const frame1 = [0, 0.5, 0, -0.5, 0];
    // frame 2 adds π: -0.5·cos(πx).
    const frame2 = [0.5, 0, -0.5, 0, 0.5];
    for (let r = 0; r < 5; r++) {
      for (let c = 0; c < 5; c++) {
        expect(px(g, 0, r, c)).toBeCloseTo(frame0[c]!, 6);
        expect(px(g, 1, r, c)).toBeCloseTo(frame1[c]!, 6);
        expect(px(g, 2, r, c)).toBeCloseTo(frame2[c]!, 6);
      }
    }
  });

  it('θ = 90°: varies along y (rows, top = -1) only', () => {
    const g = driftingGrating({ ...base, orientationDeg: 90, phase: Math.PI / 2 });
    const byRow = [-0.5, 0, 0.5, 0, -0.5];
    for (let r = 0; r < 5; r++) for (let c = 0; c < 5; c++) expect(px(g, 0, r, c)).toBeCloseTo(byRow[r]!, 6);
  });

  it('θ = 45°: x′ = 0 on the anti-diagonal corners, x′ = ±√2 on the diagonal ones', () => {
    const g = driftingGrating({ ...base, spatialFreq: 0.5, contrast: 1, orientationDeg: 45, phase: 0.3 });
    // top-right (x=1, y=-1) and bottom-left (x=-1, y=1): x' = 0 → sin(0.3).
    expect(px(g, 0, 0, 4)).toBeCloseTo(Math.sin(0.3), 6);
    expect(px(g, 0, 4, 0)).toBeCloseTo(Math.sin(0.3), 6);
    // bottom-right: x' = √2, 2π·0.5·0.5·√2 = π/√2.
    expect(px(g, 0, 4, 4)).toBeCloseTo(Math.sin(Math.PI / Math.SQRT2 + 0.3), 6);
  });

  it('obeys its symmetries: θ+180° is the negated grating drifting the other way; period frameRate/tf', () => {
    const p = { ...base, width: 7, height: 6, frames: 9, spatialFreq: 3, temporalFreq: 2, frameRate: 8, contrast: 0.8, phase: 0 };
    const a = driftingGrating({ ...p, orientationDeg: 30 });
    // sin(-k·x' + ω·i) = -sin(k·x' - ω·i)
    const b = driftingGrating({ ...p, orientationDeg: 210 });
    const aBack = driftingGrating({ ...p, orientationDeg: 30, temporalFreq: -2 });
    aBack.forEach((v, i) => expect(b[i]).toBeCloseTo(-v, 5));
    expect(b[0]).toBeCloseTo(-a[0]!, 5);
    const perFrame = 7 * 6;
    for (let i = 0; i < perFrame; i++) expect(a[4 * perFrame + i]).toBeCloseTo(a[i]!, 5);
    expect(Math.max(...a.map(Math.abs))).toBeLessThanOrEqual(0.8 + 1e-6);
  });

  it('uses numpy linspace endpoints', () => {
    expect([...linspaceUnit(3)]).toEqual([-1, 0, 1]);
    expect([...linspaceUnit(5)]).toEqual([-1, -0.5, 0, 0.5, 1]);
  });
});

describe('single gratings dataset', () => {
  const ds = gratings();

  it("is the paper's released grid: 6 SF × 12 orientations × 6 TF × 5 contrasts × 5 colours = 10,800 at 128², 6.25 frames/s", () => {
    expect(ds.size).toBe(10_800);
    expect(ds.values).toEqual({
      spatialFreqs: [4, 8, 12, 16, 20, 24],
      orientations: [0, 30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 330],
      temporalFreqs: [0.5, 1, 2, 4, 6, 8],
      contrasts: [0.2, 0.4, 0.6, 0.8, 1],
      colours: ['gray', 'red', 'green', 'blue', 'orange'],
    });
    expect(ds.render).toMatchObject({ frames: 16, size: 128, frameRate: 6.25 });
    expect(ds.targets.map((t) => t.numClasses)).toEqual([6, 12, 6, 5, 5]);
    expect(ds.shape).toEqual({ frames: 16, height: 128, width: 128, channels: 3 });
    expect(ds.valueRange).toEqual([-1, 1]);
    const seen = new Set<string>();
    for (let i = 0; i < ds.size; i++) seen.add(Object.values(ds.describe(i).labels).join(','));
    expect(seen.size).toBe(10_800);
  });

  it('labels a constructed clip with its attribute indices and tints the grating (orange = 1, 0.5, 0)', () => {
    // Mixed radix, colour fastest: SF idx 2 (12 cyc), orientation idx 7 (210°), TF idx 3 (4 Hz), contrast idx 1 (0.4), colour idx 4 (orange).
    const index = (((2 * 12 + 7) * 6 + 3) * 5 + 1) * 5 + 4;
    const { clip, labels } = ds.get(index);
    expect(labels).toEqual({ spatialFreq: 2, orientation: 7, temporalFreq: 3, contrast: 1, colour: 4 });
    const grey = driftingGrating({ width: 128, height: 128, frames: 16, spatialFreq: 12, orientationDeg: 210, temporalFreq: 4, frameRate: 6.25, contrast: 0.4, phase: 0 });
    for (let i = 0; i < grey.length; i += 97) {
      expect(clip[i * 3]).toBeCloseTo(grey[i]!, 6);
      expect(clip[i * 3 + 1]).toBeCloseTo(grey[i]! * 0.5, 6);
      expect(Math.abs(clip[i * 3 + 2]!)).toBe(0);
    }
    // gray is the untinted grating in every channel.
    const gray = ds.get(index - 4).clip;
    for (let i = 0; i < grey.length; i += 97) for (let k = 0; k < 3; k++) expect(gray[i * 3 + k]).toBeCloseTo(grey[i]!, 6);
  });

  it("keeps the former CPU grid as grid: 'small' (32², 16 frames/s)", () => {
    const small = gratings({ grid: 'small' });
    expect(small.size).toBe(10_800);
    expect(small.shape).toEqual({ frames: 16, height: 32, width: 32, channels: 3 });
    expect(small.render.frameRate).toBe(16);
    expect(small.values.spatialFreqs).toEqual([1, 2, 3, 4, 6, 8]);
    expect(small.values.orientations).toEqual([0, 15, 30, 45, 60, 75, 90, 105, 120, 135, 150, 165]);
    expect(small.values.colours).toEqual(['white', 'red', 'green', 'blue', 'yellow']);
    // Explicit values override the grid's.
    expect(gratings({ grid: 'small', size: 16, frameRate: 8 }).render).toMatchObject({ size: 16, frameRate: 8 });
    expect(() => gratings({ grid: 'huge' as 'small' })).toThrow(/"grid".*"paper", "small"/);
  });

  it('labels a constructed clip of the small grid', () => {
    const small = gratings({ grid: 'small' });
    // SF idx 2 (3 cyc), orientation idx 6 (90°), TF idx 1 (1 Hz), contrast idx 4 (1), colour idx 1 (red).
    const index = (((2 * 12 + 6) * 6 + 1) * 5 + 4) * 5 + 1;
    const { clip, labels } = small.get(index);
    expect(labels).toEqual({ spatialFreq: 2, orientation: 6, temporalFreq: 1, contrast: 4, colour: 1 });
    const grey = driftingGrating({ width: 32, height: 32, frames: 16, spatialFreq: 3, orientationDeg: 90, temporalFreq: 1, frameRate: 16, contrast: 1, phase: 0 });
    for (let i = 0; i < grey.length; i += 7) {
      expect(clip[i * 3]).toBeCloseTo(grey[i]!, 6);
      expect(Math.abs(clip[i * 3 + 1]!)).toBe(0);
      expect(Math.abs(clip[i * 3 + 2]!)).toBe(0);
    }
  });

  it('takes smaller grids from value lists', () => {
    const small = gratings({ grid: 'small', spatialFreqs: [2, 4], orientations: [0, 90], temporalFreqs: [1], contrasts: [1], colours: ['white', [0.5, 0.25, 1]], size: 8, frames: 4 });
    expect(small.size).toBe(8);
    expect(small.shape).toEqual({ frames: 4, height: 8, width: 8, channels: 3 });
    const { clip } = small.get(1); // sf 2, 0°, 1 Hz, contrast 1, custom colour
    const grey = driftingGrating({ width: 8, height: 8, frames: 4, spatialFreq: 2, orientationDeg: 0, temporalFreq: 1, frameRate: 16, contrast: 1, phase: 0 });
    expect(clip[5 * 3]).toBeCloseTo(grey[5]! * 0.5, 6);
    expect(clip[5 * 3 + 1]).toBeCloseTo(grey[5]! * 0.25, 6);
    expect(clip[5 * 3 + 2]).toBeCloseTo(grey[5]!, 6);
  });

  it('subsamples with maxClips, balanced over every factor and deterministic by seed', () => {
    const sub = gratings({ maxClips: 120, seed: 4 });
    expect(sub.size).toBe(120);
    const counts = sub.targets.map((t) => new Array<number>(t.numClasses).fill(0));
    const cells = new Set<string>();
    for (let i = 0; i < sub.size; i++) {
      const l = Object.values(sub.describe(i).labels);
      l.forEach((v, f) => counts[f]![v]!++);
      cells.add(l.join(','));
    }
    expect(cells.size).toBe(120);
    expect(counts.map((c) => [Math.min(...c), Math.max(...c)])).toEqual([[20, 20], [10, 10], [20, 20], [24, 24], [24, 24]]);
    expect([...gratings({ maxClips: 120, seed: 4 }).cells]).toEqual([...sub.cells]);
    expect([...gratings({ maxClips: 120, seed: 5 }).cells]).not.toEqual([...sub.cells]);
  });

  it('draws seeded random phases when asked', () => {
    const a = gratings({ grid: 'small', phase: 'random', seed: 1, maxClips: 10 });
    const b = gratings({ grid: 'small', phase: 'random', seed: 1, maxClips: 10 });
    const c = gratings({ grid: 'small', phase: 'random', seed: 2, maxClips: 10 });
    expect(a.get(3).clip).toEqual(b.get(3).clip);
    expect(a.describe(3).phase).not.toBe(a.describe(4).phase);
    expect(c.describe(3).phase).not.toBe(a.describe(3).phase);
  });

  it('rejects bad specs naming the field', () => {
    expect(() => gratings({ contrasts: [0, 1] })).toThrow(/"contrasts\[0\]"/);
    expect(() => gratings({ colours: ['purple' as 'red'] })).toThrow(/"colours\[0\]"/);
    expect(() => gratings({ sizee: 3 } as object)).toThrow(/"sizee"/);
  });
});

describe('double gratings dataset', () => {
  const ds = doubleGratings();

  it("is the paper's released grid: 3·3·12·4·3·3·4 = 15,552 clips at 128² with its nine targets", () => {
    expect(ds.size).toBe(15_552);
    expect(ds.values).toEqual({
      spatialFreqsLeft: [4, 10, 16],
      spatialFreqsRight: [4, 10, 16],
      orientations: [0, 30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 330],
      orientationDeltas: [0, 45, 90, 135],
      temporalFreqs: [2, 5, 8],
      contrasts: [0.33, 0.67, 1],
      colours: ['gray', 'red', 'green', 'blue'],
    });
    expect(ds.shape).toEqual({ frames: 16, height: 128, width: 128, channels: 3 });
    expect(ds.render.frameRate).toBe(6.25);
    expect(ds.targets.map((t) => [t.name, t.numClasses])).toEqual([
      ['spatialFreqLeft', 3], ['spatialFreqRight', 3], ['sfDelta', 5], ['sfHigherSide', 3], ['spatialFreqMatch', 2],
      ['orientationLeft', 12], ['orientationRight', 24], ['orientationDelta', 4], ['orientationMatch', 2],
    ]);
    expect(ds.sfDeltas).toEqual([-12, -6, 0, 6, 12]);
    // Multiples of 30 plus 0, 45, 90 or 135 (mod 360): every multiple of 15.
    expect(ds.rightOrientations).toEqual(Array.from({ length: 24 }, (_, i) => i * 15));
  });

  it('labels a constructed clip and renders each half from its own grating', () => {
    // left SF idx 0 (4), right SF idx 2 (16), left 330° (idx 11), delta idx 2 (90° → right 60°),
    // TF idx 1 (5 Hz), contrast idx 0 (0.33), colour idx 1 (red).
    const index = (((((0 * 3 + 2) * 12 + 11) * 4 + 2) * 3 + 1) * 3 + 0) * 4 + 1;
    const d = ds.describe(index);
    expect(d.right.orientationDeg).toBe(60);
    const { clip, labels } = ds.get(index);
    expect(labels).toEqual({
      spatialFreqLeft: 0,
      spatialFreqRight: 2,
      sfDelta: 4, // +12
      sfHigherSide: 1, // right higher
      spatialFreqMatch: 0,
      orientationLeft: 11,
      orientationRight: ds.rightOrientations.indexOf(60),
      orientationDelta: 2,
      orientationMatch: 0,
    });
    const common = { width: 128, height: 128, frames: 16, temporalFreq: 5, frameRate: 6.25, contrast: 0.33, phase: 0 };
    const left = driftingGrating({ ...common, spatialFreq: 4, orientationDeg: 330 });
    const right = driftingGrating({ ...common, spatialFreq: 16, orientationDeg: 60 });
    for (let t = 0; t < 16; t += 5) {
      for (let r = 0; r < 128; r += 13) {
        for (let c = 0; c < 128; c += 3) {
          const i = (t * 128 + r) * 128 + c;
          const want = c < 64 ? left[i]! : right[i]!;
          expect(clip[i * 3]).toBeCloseTo(want, 6);
          expect(Math.abs(clip[i * 3 + 1]!)).toBe(0);
          expect(Math.abs(clip[i * 3 + 2]!)).toBe(0);
        }
      }
    }
  });

  it('has the class frequencies the grid implies', () => {
    const count = (name: string) => {
      const c = new Map<number, number>();
      for (let i = 0; i < ds.size; i++) {
        const v = (ds.describe(i).labels as Record<string, number>)[name]!;
        c.set(v, (c.get(v) ?? 0) + 1);
      }
      return c;
    };
    const rest = 12 * 4 * 3 * 3 * 4; // clips per SF pair
    expect(count('spatialFreqMatch').get(1)).toBe(3 * rest);
    const side = count('sfHigherSide');
    expect([side.get(0), side.get(1), side.get(2)]).toEqual([3 * rest, 3 * rest, 3 * rest]);
    const delta = count('sfDelta');
    expect([0, 1, 2, 3, 4].map((k) => delta.get(k))).toEqual([1, 2, 3, 2, 1].map((m) => m * rest));
    expect(count('orientationMatch').get(1)).toBe(ds.size / 4);
    expect(count('orientationRight').size).toBe(ds.rightOrientations.length);
  });

  it("keeps a CPU grid as grid: 'small' and takes smaller value lists", () => {
    const small = doubleGratings({ grid: 'small' });
    expect(small.size).toBe(3 * 3 * 4 * 4 * 3);
    expect(small.shape).toEqual({ frames: 16, height: 32, width: 32, channels: 3 });
    const tiny = doubleGratings({ grid: 'small', spatialFreqsLeft: [4, 1], orientations: [0, 45], orientationDeltas: [0, 90], size: 16, frames: 4, maxClips: 12, seed: 1 });
    expect(tiny.size).toBe(12);
    // right [2, 4, 8] − left [4, 1]: −2, 0, 4, 1, 3, 7.
    expect(tiny.sfDeltas).toEqual([-2, 0, 1, 3, 4, 7]);
    expect(tiny.targets.find((t) => t.name === 'orientationDelta')!.numClasses).toBe(2);
    expect(tiny.get(0).clip.length).toBe(4 * 16 * 16 * 3);
    expect(() => doubleGratings({ contrast: 1 } as object)).toThrow(/"contrast"/);
  });
});
