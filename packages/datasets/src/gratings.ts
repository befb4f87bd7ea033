/**
 * Single drifting gratings: the paper's full-factorial grid of
 * 6 spatial frequencies × 12 orientations × 6 temporal frequencies × 5 contrasts × 5 colours
 * = 10,800 clips, targets = the index of each of those five attributes.
 *
 * paper-notes.md gives the counts, not the values; the defaults below are ours:
 *   spatial frequency  1, 2, 3, 4, 6, 8 cycles per image width (8 keeps ≥ 4 px per cycle at 32²)
 *   orientation        0°, 15°, …, 165° (the pattern's axis; drift runs along −x')
 *   temporal frequency 0.5, 1, 2, 3, 4, 6 Hz at 16 frames/s (all below the 8 Hz Nyquist limit)
 *   contrast           0.2, 0.4, 0.6, 0.8, 1
 *   colour             white, red, green, blue, yellow (RGB tints; C = 3)
 * Clip index → grid cell is mixed radix in that factor order, colour fastest. Values lie in
 * [-1, 1]. Smaller grids: pass shorter value lists and/or `maxClips` (a balanced subsample).
 */
import { colourName, colourRgb, driftingGrating, tintInto } from './grating.js';
import { balancedSubsample, FactorGrid } from './grid.js';
import { rngFor } from './prng.js';
import type { ClipDataset, ClipSample, ClipShape, ColourSpec, GratingRenderOptions, GratingsOptions, TargetSpec } from './types.js';
import { checkIndex, checkKeys, DatasetSpecError, intField, numField, numListField, seedField } from './validate.js';

export const DEFAULT_SPATIAL_FREQS = [1, 2, 3, 4, 6, 8];
export const DEFAULT_ORIENTATIONS = Array.from({ length: 12 }, (_, i) => i * 15);
export const DEFAULT_TEMPORAL_FREQS = [0.5, 1, 2, 3, 4, 6];
export const DEFAULT_CONTRASTS = [0.2, 0.4, 0.6, 0.8, 1];
export const DEFAULT_COLOURS: ColourSpec[] = ['white', 'red', 'green', 'blue', 'yellow'];

export interface ResolvedRender {
  frames: number;
  size: number;
  frameRate: number;
  phase: number | 'random';
  seed: number;
  maxClips: number | undefined;
}

export const RENDER_KEYS = ['frames', 'size', 'frameRate', 'phase', 'seed', 'maxClips'];

export function resolveRender(dataset: string, opts: GratingRenderOptions): ResolvedRender {
  if (typeof opts.phase === 'string' && opts.phase !== 'random') {
    throw new DatasetSpecError(dataset, 'phase', `must be a number (radians) or "random", got ${JSON.stringify(opts.phase)}`);
  }
  const phase = opts.phase === 'random' ? 'random' : numField(dataset, opts, 'phase', 0);
  return {
    frames: intField(dataset, opts, 'frames', 16, 1, 1024),
    size: intField(dataset, opts, 'size', 32, 2, 1024),
    frameRate: numField(dataset, opts, 'frameRate', 16, { above: 0 }),
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
    this.render = resolveRender(n, opts);
    const colours = opts.colours ?? DEFAULT_COLOURS;
    if (!Array.isArray(colours) || colours.length === 0) throw new DatasetSpecError(n, 'colours', 'must be a non-empty array');
    this.rgbs = colours.map((c, i) => resolveColour(n, `colours[${i}]`, c));
    this.values = {
      spatialFreqs: numListField(n, opts, 'spatialFreqs', DEFAULT_SPATIAL_FREQS, { above: 0 }),
      orientations: numListField(n, opts, 'orientations', DEFAULT_ORIENTATIONS),
      temporalFreqs: numListField(n, opts, 'temporalFreqs', DEFAULT_TEMPORAL_FREQS),
      contrasts: numListField(n, opts, 'contrasts', DEFAULT_CONTRASTS, { above: 0, max: 1 }),
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
      { name: 'orientation', numClasses: v.orientations.length, description: `orientation index (degrees: ${v.orientations.join(', ')})` },
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
