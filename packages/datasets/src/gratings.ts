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
import { colourName, colourRgb, driftingGrating, tintInto } from './grating.js';
import { balancedSubsample, FactorGrid } from './grid.js';
import { rngFor } from '@stratum/stats';
import type { ClipDataset, ClipSample, ClipShape, ColourSpec, GratingGrid, GratingRenderOptions, GratingsOptions, TargetSpec } from './types.js';
import { checkIndex, checkKeys, DatasetSpecError, enumField, intField, numField, numListField, seedField } from './validate.js';

/** How a named grid renders: canvas side and frame rate. */
export interface GridRender {
  readonly size: number;
  readonly frameRate: number;
}

export const GRATING_GRIDS: readonly GratingGrid[] = ['paper', 'small'];

/** The single-grating grids by name (see the file comment). */
export const SINGLE_GRATING_GRIDS: Record<GratingGrid, GridRender & Required<Pick<GratingsOptions, 'spatialFreqs' | 'orientations' | 'temporalFreqs' | 'contrasts' | 'colours'>>> = {
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

/** The `grid` field of a grating spec. */
export function gridField(dataset: string, opts: GratingRenderOptions): GratingGrid {
  return enumField(dataset, opts, 'grid', 'paper', GRATING_GRIDS);
}

export interface ResolvedRender {
  frames: number;
  size: number;
  frameRate: number;
  phase: number | 'random';
  seed: number;
  maxClips: number | undefined;
}

export const RENDER_KEYS = ['grid', 'frames', 'size', 'frameRate', 'phase', 'seed', 'maxClips'];

export function resolveRender(dataset: string, opts: GratingRenderOptions, defaults: GridRender): ResolvedRender {
  if (typeof opts.phase === 'string' && opts.phase !== 'random') {
    throw new DatasetSpecError(dataset, 'phase', `must be a number (radians) or "random", got ${JSON.stringify(opts.phase)}`);
  }
  const phase = opts.phase === 'random' ? 'random' : numField(dataset, opts, 'phase', 0);
  return {
    frames: intField(dataset, opts, 'frames', 16, 1, 1024),
    size: intField(dataset, opts, 'size', defaults.size, 2, 1024),
    frameRate: numField(dataset, opts, 'frameRate', defaults.frameRate, { above: 0 }),
    phase,
    seed: seedField(dataset, opts),
    maxClips: opts.maxClips === undefined ? undefined : intField(dataset, opts, 'maxClips', 1, 1),
  };
}

export function resolveColour(dataset: string, field: string, spec: unknown): [number, number, number] {
  const rgb = colourRgb(spec);
  if (!rgb) throw new DatasetSpecError(dataset, field, `must be a palette colour name or an [r, g, b] triple in [0, 1], got ${JSON.stringify(spec)}`);
  return rgb;
}

/** The phase of a grid cell: fixed, or uniform in [0, 2π) keyed by (seed, cell, side). */
export function phaseOf(render: ResolvedRender, cell: number, side = 0): number {
  return render.phase === 'random' ? rngFor(render.seed, cell, side).uniform(0, 2 * Math.PI) : render.phase;
}

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

export class Gratings implements ClipDataset {
  readonly name = 'gratings';
  readonly shape: ClipShape;
  readonly size: number;
  readonly targets: TargetSpec[];
  readonly valueRange: [number, number] = [-1, 1];
  readonly grid: FactorGrid;
  readonly render: ResolvedRender;
  readonly values: { spatialFreqs: number[]; orientations: number[]; temporalFreqs: number[]; contrasts: number[]; colours: ColourSpec[] };
  /** Dataset index → grid cell (identity unless `maxClips` subsampled). */
  readonly cells: Int32Array;
  private readonly rgbs: [number, number, number][];

  constructor(opts: GratingsOptions = {}) {
    const n = this.name;
    checkKeys(n, opts, [...RENDER_KEYS, 'spatialFreqs', 'orientations', 'temporalFreqs', 'contrasts', 'colours']);
    const grid = SINGLE_GRATING_GRIDS[gridField(n, opts)];
    this.render = resolveRender(n, opts, grid);
    const colours = opts.colours ?? grid.colours;
    if (!Array.isArray(colours) || colours.length === 0) throw new DatasetSpecError(n, 'colours', 'must be a non-empty array');
    this.rgbs = colours.map((c, i) => resolveColour(n, `colours[${i}]`, c));
    this.values = {
      spatialFreqs: numListField(n, opts, 'spatialFreqs', grid.spatialFreqs, { above: 0 }),
      orientations: numListField(n, opts, 'orientations', grid.orientations),
      temporalFreqs: numListField(n, opts, 'temporalFreqs', grid.temporalFreqs),
      contrasts: numListField(n, opts, 'contrasts', grid.contrasts, { above: 0, max: 1 }),
      colours: [...colours],
    };
    const v = this.values;
    this.grid = new FactorGrid([v.spatialFreqs.length, v.orientations.length, v.temporalFreqs.length, v.contrasts.length, v.colours.length]);
    const { maxClips, seed } = this.render;
    this.cells =
      maxClips === undefined || maxClips >= this.grid.size
        ? Int32Array.from({ length: this.grid.size }, (_, i) => i)
        : balancedSubsample(this.grid, maxClips, seed);
    this.size = this.cells.length;
    const { frames, size } = this.render;
    this.shape = { frames, height: size, width: size, channels: 3 };
    this.targets = [
      { name: 'spatialFreq', numClasses: v.spatialFreqs.length, description: `spatial frequency index (cycles/image: ${v.spatialFreqs.join(', ')})` },
      { name: 'orientation', numClasses: v.orientations.length, description: `orientation (drift direction) index (degrees: ${v.orientations.join(', ')})` },
      { name: 'temporalFreq', numClasses: v.temporalFreqs.length, description: `temporal frequency index (Hz: ${v.temporalFreqs.join(', ')})` },
      { name: 'contrast', numClasses: v.contrasts.length, description: `contrast index (${v.contrasts.join(', ')})` },
      { name: 'colour', numClasses: v.colours.length, description: `colour index (${v.colours.map(colourName).join(', ')})` },
    ];
  }

  describe(index: number): GratingCell {
    checkIndex(this.name, index, this.size);
    const cell = this.cells[index]!;
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
    const { frames, size, frameRate } = this.render;
    const grey = driftingGrating({
      width: size,
      height: size,
      frames,
      spatialFreq: d.spatialFreq,
      orientationDeg: d.orientationDeg,
      temporalFreq: d.temporalFreq,
      frameRate,
      contrast: d.contrast,
      phase: d.phase,
    });
    const clip = new Float32Array(grey.length * 3);
    tintInto(clip, grey, d.rgb, { frames, height: size, width: size });
    return { clip, labels: { ...d.labels } };
  }
}

export function gratings(opts: GratingsOptions = {}): Gratings {
  return new Gratings(opts);
}
