/**
 * Single drifting gratings: a full-factorial grid of spatial frequency × orientation × temporal
 * frequency × contrast × colour, targets = the index of each of those five attributes.
 *
 * The default grid ('paper') is the paper's released evaluation grid (JosRor/BWSSL-for-Video-ViTs,
 * evaluation/grating_dataset.py, "DEFAULT"): 16 frames of 128², 6.25 frames/s,
 *   spatial frequency  4, 8, 12, 16, 20, 24 cycles per image width
 *   orientation        0°, 30°, …, 330° (0–330 also sets the drift direction: θ and θ + 180°
 *                      are the same stripes drifting opposite ways)
 *   temporal frequency 0.5, 1, 2, 4, 6, 8 Hz
 *   contrast           0.2, 0.4, 0.6, 0.8, 1
 *   colour             gray, red, green, blue, orange
 * = 6·12·6·5·5 = 10,800 clips. 'small' is a CPU-sized grid at 32², 16 frames/s: SF 1, 2, 3, 4,
 * 6, 8; orientation 0°…165° step 15; TF 0.5, 1, 2, 3, 4, 6 Hz; the same contrasts; white, red,
 * green, blue, yellow. Clip index → grid cell is mixed radix in that factor order, colour fastest.
 * Values lie in [-1, 1]. Smaller grids still: shorter value lists and/or `maxClips` (a balanced
 * subsample).
 */
import { colourName } from './grating.js';
import { GratingDataset, phaseOf, resolveGratingSpec, type GridRender } from './grating-dataset.js';
import type { ClipSample, ColourSpec, GratingGrid, GratingsOptions, TargetSpec } from './types.js';
import { numListField } from './validate.js';

type SingleValues = Required<Pick<GratingsOptions, 'spatialFreqs' | 'orientations' | 'temporalFreqs' | 'contrasts' | 'colours'>>;

/** The single-grating grids by name (see the file comment). */
export const SINGLE_GRATING_GRIDS: Record<GratingGrid, GridRender & SingleValues> = {
  paper: {
    size: 128,
    frameRate: 6.25,
    spatialFreqs: [4, 8, 12, 16, 20, 24],
    orientations: Array.from({ length: 12 }, (_, i) => i * 30),
    temporalFreqs: [0.5, 1, 2, 4, 6, 8],
    contrasts: [0.2, 0.4, 0.6, 0.8, 1],
    colours: ['gray', 'red', 'green', 'blue', 'orange'],
  },
  small: {
    size: 32,
    frameRate: 16,
    spatialFreqs: [1, 2, 3, 4, 6, 8],
    orientations: Array.from({ length: 12 }, (_, i) => i * 15),
    temporalFreqs: [0.5, 1, 2, 3, 4, 6],
    contrasts: [0.2, 0.4, 0.6, 0.8, 1],
    colours: ['white', 'red', 'green', 'blue', 'yellow'],
  },
};

export interface GratingCell {
  spatialFreq: number;
  orientationDeg: number;
  temporalFreq: number;
  contrast: number;
  colour: ColourSpec;
  rgb: [number, number, number];
  phase: number;
  /** Attribute indices, the labels. */
  labels: { spatialFreq: number; orientation: number; temporalFreq: number; contrast: number; colour: number };
}

export class Gratings extends GratingDataset<SingleValues> {
  readonly name = 'gratings';
  readonly targets: TargetSpec[];

  constructor(opts: GratingsOptions = {}) {
    const n = 'gratings';
    const spec = resolveGratingSpec(n, opts, ['spatialFreqs', 'orientations', 'temporalFreqs', 'contrasts', 'colours'], SINGLE_GRATING_GRIDS);
    const { grid } = spec;
    const v: SingleValues = {
      spatialFreqs: numListField(n, opts, 'spatialFreqs', grid.spatialFreqs, { above: 0 }),
      orientations: numListField(n, opts, 'orientations', grid.orientations),
      temporalFreqs: numListField(n, opts, 'temporalFreqs', grid.temporalFreqs),
      contrasts: numListField(n, opts, 'contrasts', grid.contrasts, { above: 0, max: 1 }),
      colours: spec.colours,
    };
    super(spec, v, [v.spatialFreqs.length, v.orientations.length, v.temporalFreqs.length, v.contrasts.length, v.colours.length]);
    this.targets = [
      { name: 'spatialFreq', numClasses: v.spatialFreqs.length, description: `spatial frequency index (cycles/image: ${v.spatialFreqs.join(', ')})` },
      { name: 'orientation', numClasses: v.orientations.length, description: `orientation (drift direction) index (degrees: ${v.orientations.join(', ')})` },
      { name: 'temporalFreq', numClasses: v.temporalFreqs.length, description: `temporal frequency index (Hz: ${v.temporalFreqs.join(', ')})` },
      { name: 'contrast', numClasses: v.contrasts.length, description: `contrast index (${v.contrasts.join(', ')})` },
      { name: 'colour', numClasses: v.colours.length, description: `colour index (${v.colours.map(colourName).join(', ')})` },
    ];
  }

  describe(index: number): GratingCell {
    const cell = this.cellOf(index);
    const [s, o, t, c, k] = this.grid.decode(cell) as [number, number, number, number, number];
    const v = this.values;
    return {
      spatialFreq: v.spatialFreqs[s]!,
      orientationDeg: v.orientations[o]!,
      temporalFreq: v.temporalFreqs[t]!,
      contrast: v.contrasts[c]!,
      colour: v.colours[k]!,
      rgb: this.rgbs[k]!,
      phase: phaseOf(this.render, cell),
      labels: { spatialFreq: s, orientation: o, temporalFreq: t, contrast: c, colour: k },
    };
  }

  get(index: number): ClipSample {
    const d = this.describe(index);
    return { clip: this.paint([{ ...d, from: 0, to: this.render.size }], d), labels: { ...d.labels } };
  }
}

export function gratings(opts: GratingsOptions = {}): Gratings {
  return new Gratings(opts);
}
