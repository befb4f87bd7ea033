/**
 * What the single and double drifting-grating datasets share: the render fields of a grating spec
 * (named grid, frames, size, frame rate, phase, seed, maxClips), the tints, the factor grid with
 * its clip → grid-cell table, and painting a clip from gratings that each fill a band of columns.
 */
import { colourRgb, driftingGrating, tintInto } from './grating.js';
import { balancedSubsample, FactorGrid } from './grid.js';
import { rngFor } from '@stratum/stats';
import type { ClipDataset, ClipSample, ClipShape, ColourSpec, GratingGrid, GratingRenderOptions, TargetSpec } from './types.js';
import { checkIndex, checkKeys, DatasetSpecError, enumField, intField, numField, seedField } from './validate.js';

/** How a named grid renders: canvas side and frame rate. */
export interface GridRender {
  readonly size: number;
  readonly frameRate: number;
}

export const GRATING_GRIDS: readonly GratingGrid[] = ['paper', 'small'];

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

/** A grating spec's shared part, resolved: its named grid, render settings and tints. */
export interface GratingSpecBase<G> {
  grid: G;
  render: ResolvedRender;
  colours: ColourSpec[];
  rgbs: [number, number, number][];
}

/** Checks a grating spec's keys (render keys plus `keys`) and resolves its grid, render fields and colours. */
export function resolveGratingSpec<G extends GridRender & { colours: ColourSpec[] }>(
  dataset: string,
  opts: GratingRenderOptions & { colours?: ColourSpec[] },
  keys: readonly string[],
  grids: Record<GratingGrid, G>,
): GratingSpecBase<G> {
  checkKeys(dataset, opts, [...RENDER_KEYS, ...keys]);
  const grid = grids[gridField(dataset, opts)];
  const render = resolveRender(dataset, opts, grid);
  const colours = opts.colours ?? grid.colours;
  if (!Array.isArray(colours) || colours.length === 0) throw new DatasetSpecError(dataset, 'colours', 'must be a non-empty array');
  return { grid, render, colours: [...colours], rgbs: colours.map((c, i) => resolveColour(dataset, `colours[${i}]`, c)) };
}

/** One grating of a clip, drawn into the columns [from, to) of a full-frame grating. */
export interface GratingBand {
  spatialFreq: number;
  orientationDeg: number;
  phase: number;
  from: number;
  to: number;
}

/** A full-factorial grating dataset: clips are cells of a factor grid, optionally subsampled. */
export abstract class GratingDataset<V> implements ClipDataset {
  abstract readonly name: string;
  abstract readonly targets: TargetSpec[];
  readonly shape: ClipShape;
  readonly size: number;
  readonly valueRange: [number, number] = [-1, 1];
  readonly grid: FactorGrid;
  readonly render: ResolvedRender;
  readonly values: V;
  /** Dataset index → grid cell (identity unless `maxClips` subsampled). */
  readonly cells: Int32Array;
  protected readonly rgbs: [number, number, number][];

  /** `factors`: the number of values of each grid factor, in clip-index radix order. */
  protected constructor(spec: GratingSpecBase<unknown>, values: V, factors: number[]) {
    this.render = spec.render;
    this.rgbs = spec.rgbs;
    this.values = values;
    this.grid = new FactorGrid(factors);
    const { maxClips, seed, frames, size } = this.render;
    this.cells =
      maxClips === undefined || maxClips >= this.grid.size
        ? Int32Array.from({ length: this.grid.size }, (_, i) => i)
        : balancedSubsample(this.grid, maxClips, seed);
    this.size = this.cells.length;
    this.shape = { frames, height: size, width: size, channels: 3 };
  }

  /** The grid cell of clip `index`. */
  protected cellOf(index: number): number {
    checkIndex(this.name, index, this.size);
    return this.cells[index]!;
  }

  /** A [T, H, W, 3] clip: each band's grating, drifting at `temporalFreq`, tinted `rgb`. */
  protected paint(bands: GratingBand[], d: { temporalFreq: number; contrast: number; rgb: [number, number, number] }): Float32Array {
    const { frames, size, frameRate } = this.render;
    const shape = { frames, height: size, width: size };
    const clip = new Float32Array(frames * size * size * 3);
    for (const b of bands) {
      const grey = driftingGrating({ ...shape, spatialFreq: b.spatialFreq, orientationDeg: b.orientationDeg, temporalFreq: d.temporalFreq, frameRate, contrast: d.contrast, phase: b.phase });
      tintInto(clip, grey, d.rgb, shape, b.from, b.to);
    }
    return clip;
  }

  abstract get(index: number): ClipSample;
}
