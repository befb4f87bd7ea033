/**
 * Double drifting gratings: the left half of the frame shows one grating, the right half
 * another, and the targets are relations between them.
 *
 * Grid (paper: 15,552 clips; paper-notes.md gives the count only, this factorisation is ours and
 * reproduces it): left SF (6) × right SF (6) × left orientation (12) × right orientation (12) ×
 * shared temporal frequency (3) = 15,552. Both halves share contrast (1) and colour (white).
 * Clip index → cell is mixed radix in that order, temporal frequency fastest. Each half is a
 * window of a full-frame grating (the same x, y = linspace(-1, 1) grid as the single dataset),
 * so a spatial frequency means the same thing here; left = columns [0, ⌊W/2⌋), right = the rest.
 *
 * Targets (class counts for the default grid):
 *   sfDelta          |i_L − i_R| over the ascending SF list: 0..5 (6 classes)
 *   higherSf         0 = equal SF, 1 = left higher, 2 = right higher (3)
 *   orientationDelta the orientations' angle difference folded into [0°, 90°] (orientation is
 *                    an axis, so 180° apart is no difference): 0°, 15°, …, 90° (7 classes; the
 *                    class order is the ascending list of deltas the grid can produce)
 *   sfMatch          1 when both halves have the same SF (2)
 *   orientationMatch 1 when the folded orientation difference is 0 (2)
 *   temporalFreq     index of the shared temporal frequency (3)
 */
import { colourName, driftingGrating, tintInto } from './grating.js';
import { resolveColour, phaseOf, RENDER_KEYS, resolveRender, type ResolvedRender, DEFAULT_SPATIAL_FREQS, DEFAULT_ORIENTATIONS } from './gratings.js';
import { balancedSubsample, FactorGrid } from './grid.js';
import type { ClipDataset, ClipSample, ClipShape, DoubleGratingsOptions, TargetSpec } from './types.js';
import { checkIndex, checkKeys, numField, numListField } from './validate.js';

export const DEFAULT_DOUBLE_TEMPORAL_FREQS = [1, 2, 4];

/** Angle between two orientation axes, in [0, 90] degrees. */
export function foldedOrientationDelta(a: number, b: number): number {
  const d = (((a - b) % 180) + 180) % 180;
  return Math.min(d, 180 - d);
}

const roundKey = (x: number): number => Math.round(x * 1e9) / 1e9;

export interface DoubleGratingCell {
  left: { spatialFreq: number; orientationDeg: number; phase: number };
  right: { spatialFreq: number; orientationDeg: number; phase: number };
  temporalFreq: number;
  labels: { sfDelta: number; higherSf: number; orientationDelta: number; sfMatch: number; orientationMatch: number; temporalFreq: number };
}

export class DoubleGratings implements ClipDataset {
  readonly name = 'double-gratings';
  readonly shape: ClipShape;
  readonly size: number;
  readonly targets: TargetSpec[];
  readonly valueRange: [number, number] = [-1, 1];
  readonly grid: FactorGrid;
  readonly render: ResolvedRender;
  readonly values: { spatialFreqs: number[]; orientations: number[]; temporalFreqs: number[]; contrast: number; rgb: [number, number, number] };
  /** Ascending folded orientation deltas; `orientationDelta` labels index this list. */
  readonly orientationDeltas: number[];
  readonly cells: Int32Array;

  constructor(opts: DoubleGratingsOptions = {}) {
    const n = this.name;
    checkKeys(n, opts, [...RENDER_KEYS, 'spatialFreqs', 'orientations', 'temporalFreqs', 'contrast', 'colour']);
    this.render = resolveRender(n, opts);
    this.values = {
      spatialFreqs: numListField(n, opts, 'spatialFreqs', DEFAULT_SPATIAL_FREQS, { above: 0 }).sort((a, b) => a - b),
      orientations: numListField(n, opts, 'orientations', DEFAULT_ORIENTATIONS),
      temporalFreqs: numListField(n, opts, 'temporalFreqs', DEFAULT_DOUBLE_TEMPORAL_FREQS),
      contrast: numField(n, opts, 'contrast', 1, { above: 0, max: 1 }),
      rgb: resolveColour(n, 'colour', opts.colour ?? 'white'),
    };
    const v = this.values;
    const deltas = new Set<number>();
    for (const a of v.orientations) for (const b of v.orientations) deltas.add(roundKey(foldedOrientationDelta(a, b)));
    this.orientationDeltas = [...deltas].sort((a, b) => a - b);
    const nS = v.spatialFreqs.length;
    const nO = v.orientations.length;
    this.grid = new FactorGrid([nS, nS, nO, nO, v.temporalFreqs.length]);
    const { maxClips, seed, frames, size } = this.render;
    this.cells =
      maxClips === undefined || maxClips >= this.grid.size
        ? Int32Array.from({ length: this.grid.size }, (_, i) => i)
        : balancedSubsample(this.grid, maxClips, seed);
    this.size = this.cells.length;
    this.shape = { frames, height: size, width: size, channels: 3 };
    this.targets = [
      { name: 'sfDelta', numClasses: nS, description: 'absolute difference of the two halves’ spatial-frequency indices (ascending list)' },
      { name: 'higherSf', numClasses: 3, description: 'which half has the higher spatial frequency: 0 equal, 1 left, 2 right' },
      { name: 'orientationDelta', numClasses: this.orientationDeltas.length, description: `folded orientation difference (degrees: ${this.orientationDeltas.join(', ')})` },
      { name: 'sfMatch', numClasses: 2, description: '1 when both halves have the same spatial frequency' },
      { name: 'orientationMatch', numClasses: 2, description: '1 when both halves have the same orientation axis' },
      { name: 'temporalFreq', numClasses: v.temporalFreqs.length, description: `shared temporal frequency index (Hz: ${v.temporalFreqs.join(', ')}); colour ${colourName(v.rgb)}` },
    ];
  }

  describe(index: number): DoubleGratingCell {
    checkIndex(this.name, index, this.size);
    const cell = this.cells[index]!;
    const [sl, sr, ol, or, t] = this.grid.decode(cell) as [number, number, number, number, number];
    const v = this.values;
    const delta = foldedOrientationDelta(v.orientations[ol]!, v.orientations[or]!);
    const deltaClass = this.orientationDeltas.indexOf(roundKey(delta));
    return {
      left: { spatialFreq: v.spatialFreqs[sl]!, orientationDeg: v.orientations[ol]!, phase: phaseOf(this.render, cell, 0) },
      right: { spatialFreq: v.spatialFreqs[sr]!, orientationDeg: v.orientations[or]!, phase: phaseOf(this.render, cell, 1) },
      temporalFreq: v.temporalFreqs[t]!,
      labels: {
        sfDelta: Math.abs(sl - sr),
        higherSf: sl === sr ? 0 : sl > sr ? 1 : 2,
        orientationDelta: deltaClass,
        sfMatch: sl === sr ? 1 : 0,
        orientationMatch: deltaClass === 0 ? 1 : 0,
        temporalFreq: t,
      },
    };
  }

  get(index: number): ClipSample {
    const d = this.describe(index);
    const { frames, size, frameRate } = this.render;
    const shape = { frames, height: size, width: size };
    const clip = new Float32Array(frames * size * size * 3);
    const half = Math.floor(size / 2);
    for (const [side, from, to] of [[d.left, 0, half], [d.right, half, size]] as const) {
      const grey = driftingGrating({ ...shape, width: size, ...side, temporalFreq: d.temporalFreq, frameRate, contrast: this.values.contrast });
      tintInto(clip, grey, this.values.rgb, shape, from, to);
    }
    return { clip, labels: { ...d.labels } };
  }
}

export function doubleGratings(opts: DoubleGratingsOptions = {}): DoubleGratings {
  return new DoubleGratings(opts);
}
