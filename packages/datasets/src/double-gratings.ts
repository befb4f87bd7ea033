/**
 * Double drifting gratings: the left half of the frame shows one grating, the right half
 * another, and the targets are the halves' attributes and the relations between them.
 *
 * The default grid ('paper') is the paper's released "DEFAULT_TWO_REGION" grid
 * (JosRor/BWSSL-for-Video-ViTs, evaluation/grating_dataset.py): 16 frames of 128², 6.25 frames/s,
 *   left SF 4, 10, 16 × right SF 4, 10, 16 × left orientation 0°, 30°, …, 330° ×
 *   orientation delta 0°, 45°, 90°, 135° (right = (left + delta) mod 360) ×
 *   temporal frequency 2, 5, 8 Hz × contrast 0.33, 0.67, 1 × colour gray, red, green, blue
 * = 3·3·12·4·3·3·4 = 15,552 clips; temporal frequency, contrast and colour are shared by both
 * halves. 'small' (CPU-sized, 32², 16 frames/s): SF 2, 4, 8 per half, left orientation 0°, 90°,
 * 180°, 270°, the same deltas, TF 1, 2, 4 Hz, contrast 1, gray = 432 clips. Clip index → cell is
 * mixed radix in that factor order, colour fastest. Each half is a window of a full-frame
 * grating (the same x, y = linspace(-1, 1) grid as the single dataset), so a spatial frequency
 * means the same thing here; left = columns [0, ⌊W/2⌋), right = the rest.
 *
 * Targets, the released code's nine in its order (classes on the paper grid):
 *   spatialFreqLeft, spatialFreqRight  index in the half's SF list (3 each)
 *   sfDelta           right SF − left SF, signed: index in its ascending distinct values (5: −12, −6, 0, 6, 12)
 *   sfHigherSide      0 = left higher, 1 = right higher, 2 = equal (3)
 *   spatialFreqMatch  1 when both halves have the same SF (2)
 *   orientationLeft   index in the orientation list (12)
 *   orientationRight  index in the ascending distinct right orientations (24: 0°, 15°, …, 345°)
 *   orientationDelta  index in the delta list (4)
 *   orientationMatch  1 when the delta is 0 mod 360 (2)
 */
import { colourName } from './grating.js';
import { GratingDataset, phaseOf, resolveGratingSpec, type GridRender } from './grating-dataset.js';
import type { ClipSample, ColourSpec, DoubleGratingsOptions, GratingGrid, TargetSpec } from './types.js';
import { numListField } from './validate.js';

type DoubleValues = Required<Pick<DoubleGratingsOptions, 'spatialFreqsLeft' | 'spatialFreqsRight' | 'orientations' | 'orientationDeltas' | 'temporalFreqs' | 'contrasts' | 'colours'>>;

/** The double-grating grids by name (see the file comment). */
export const DOUBLE_GRATING_GRIDS: Record<GratingGrid, GridRender & DoubleValues> = {
  paper: {
    size: 128,
    frameRate: 6.25,
    spatialFreqsLeft: [4, 10, 16],
    spatialFreqsRight: [4, 10, 16],
    orientations: Array.from({ length: 12 }, (_, i) => i * 30),
    orientationDeltas: [0, 45, 90, 135],
    temporalFreqs: [2, 5, 8],
    contrasts: [0.33, 0.67, 1],
    colours: ['gray', 'red', 'green', 'blue'],
  },
  small: {
    size: 32,
    frameRate: 16,
    spatialFreqsLeft: [2, 4, 8],
    spatialFreqsRight: [2, 4, 8],
    orientations: [0, 90, 180, 270],
    orientationDeltas: [0, 45, 90, 135],
    temporalFreqs: [1, 2, 4],
    contrasts: [1],
    colours: ['gray'],
  },
};

const roundKey = (x: number): number => Math.round(x * 1e9) / 1e9;
const mod360 = (x: number): number => roundKey(((x % 360) + 360) % 360);
const ascendingDistinct = (values: Iterable<number>): number[] => [...new Set([...values].map(roundKey))].sort((a, b) => a - b);

export interface DoubleGratingCell {
  left: { spatialFreq: number; orientationDeg: number; phase: number };
  right: { spatialFreq: number; orientationDeg: number; phase: number };
  orientationDelta: number;
  temporalFreq: number;
  contrast: number;
  colour: ColourSpec;
  rgb: [number, number, number];
  labels: {
    spatialFreqLeft: number;
    spatialFreqRight: number;
    sfDelta: number;
    sfHigherSide: number;
    spatialFreqMatch: number;
    orientationLeft: number;
    orientationRight: number;
    orientationDelta: number;
    orientationMatch: number;
  };
}

export class DoubleGratings extends GratingDataset<DoubleValues> {
  readonly name = 'double-gratings';
  readonly targets: TargetSpec[];
  /** Ascending distinct signed SF differences (right − left); `sfDelta` labels index this list. */
  readonly sfDeltas: number[];
  /** Ascending distinct right orientations; `orientationRight` labels index this list. */
  readonly rightOrientations: number[];

  constructor(opts: DoubleGratingsOptions = {}) {
    const n = 'double-gratings';
    const spec = resolveGratingSpec(n, opts, ['spatialFreqsLeft', 'spatialFreqsRight', 'orientations', 'orientationDeltas', 'temporalFreqs', 'contrasts', 'colours'], DOUBLE_GRATING_GRIDS);
    const { grid } = spec;
    const v: DoubleValues = {
      spatialFreqsLeft: numListField(n, opts, 'spatialFreqsLeft', grid.spatialFreqsLeft, { above: 0 }),
      spatialFreqsRight: numListField(n, opts, 'spatialFreqsRight', grid.spatialFreqsRight, { above: 0 }),
      orientations: numListField(n, opts, 'orientations', grid.orientations),
      orientationDeltas: numListField(n, opts, 'orientationDeltas', grid.orientationDeltas),
      temporalFreqs: numListField(n, opts, 'temporalFreqs', grid.temporalFreqs),
      contrasts: numListField(n, opts, 'contrasts', grid.contrasts, { above: 0, max: 1 }),
      colours: spec.colours,
    };
    super(spec, v, [
      v.spatialFreqsLeft.length,
      v.spatialFreqsRight.length,
      v.orientations.length,
      v.orientationDeltas.length,
      v.temporalFreqs.length,
      v.contrasts.length,
      v.colours.length,
    ]);
    this.sfDeltas = ascendingDistinct(v.spatialFreqsLeft.flatMap((l) => v.spatialFreqsRight.map((r) => r - l)));
    this.rightOrientations = ascendingDistinct(v.orientations.flatMap((o) => v.orientationDeltas.map((d) => mod360(o + d))));
    this.targets = [
      { name: 'spatialFreqLeft', numClasses: v.spatialFreqsLeft.length, description: `left half's spatial frequency index (cycles/image: ${v.spatialFreqsLeft.join(', ')})` },
      { name: 'spatialFreqRight', numClasses: v.spatialFreqsRight.length, description: `right half's spatial frequency index (cycles/image: ${v.spatialFreqsRight.join(', ')})` },
      { name: 'sfDelta', numClasses: this.sfDeltas.length, description: `right − left spatial frequency (signed: ${this.sfDeltas.join(', ')})` },
      { name: 'sfHigherSide', numClasses: 3, description: 'which half has the higher spatial frequency: 0 left, 1 right, 2 equal' },
      { name: 'spatialFreqMatch', numClasses: 2, description: '1 when both halves have the same spatial frequency' },
      { name: 'orientationLeft', numClasses: v.orientations.length, description: `left half's orientation index (degrees: ${v.orientations.join(', ')})` },
      { name: 'orientationRight', numClasses: this.rightOrientations.length, description: `right half's orientation (degrees: ${this.rightOrientations.join(', ')})` },
      { name: 'orientationDelta', numClasses: v.orientationDeltas.length, description: `right − left orientation index (degrees: ${v.orientationDeltas.join(', ')}); colours ${v.colours.map(colourName).join(', ')}` },
      { name: 'orientationMatch', numClasses: 2, description: '1 when both halves have the same orientation (delta 0 mod 360)' },
    ];
  }

  describe(index: number): DoubleGratingCell {
    const cell = this.cellOf(index);
    const [sl, sr, ol, od, t, c, k] = this.grid.decode(cell) as [number, number, number, number, number, number, number];
    const v = this.values;
    const left = v.spatialFreqsLeft[sl]!;
    const right = v.spatialFreqsRight[sr]!;
    const orientationLeft = v.orientations[ol]!;
    const delta = v.orientationDeltas[od]!;
    const orientationRight = mod360(orientationLeft + delta);
    return {
      left: { spatialFreq: left, orientationDeg: orientationLeft, phase: phaseOf(this.render, cell, 0) },
      right: { spatialFreq: right, orientationDeg: orientationRight, phase: phaseOf(this.render, cell, 1) },
      orientationDelta: delta,
      temporalFreq: v.temporalFreqs[t]!,
      contrast: v.contrasts[c]!,
      colour: v.colours[k]!,
      rgb: this.rgbs[k]!,
      labels: {
        spatialFreqLeft: sl,
        spatialFreqRight: sr,
        sfDelta: this.sfDeltas.indexOf(roundKey(right - left)),
        sfHigherSide: left > right ? 0 : right > left ? 1 : 2,
        spatialFreqMatch: roundKey(left) === roundKey(right) ? 1 : 0,
        orientationLeft: ol,
        orientationRight: this.rightOrientations.indexOf(orientationRight),
        orientationDelta: od,
        orientationMatch: mod360(delta) === 0 ? 1 : 0,
      },
    };
  }

  get(index: number): ClipSample {
    const d = this.describe(index);
    const { size } = this.render;
    const half = Math.floor(size / 2);
    return { clip: this.paint([{ ...d.left, from: 0, to: half }, { ...d.right, from: half, to: size }], d), labels: { ...d.labels } };
  }
}

export function doubleGratings(opts: DoubleGratingsOptions = {}): DoubleGratings {
  return new DoubleGratings(opts);
}
