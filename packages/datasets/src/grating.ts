/**
 * The drifting-grating generator of the paper (see paper-notes.md, Data):
 *
 *   x, y = linspace(-1, 1) grids   (x along columns, left → right; y along rows, top → bottom)
 *   x'   = x·cosθ + y·sinθ
 *   frame_i = contrast · sin(2π·sf·0.5·x' + phase + i·2π·tf/frameRate)
 *
 * Units: x' spans 2 across the image at θ = 0, so `spatialFreq` is in cycles per image width;
 * `temporalFreq` is in cycles per second at `frameRate` frames per second. Values lie in
 * [-contrast, contrast] ⊆ [-1, 1]. The datasets tint the result with an RGB colour.
 */
import type { ColourSpec } from './types.js';

export interface GratingParams {
  width: number;
  height: number;
  frames: number;
  /** Cycles per image width (along x' at θ = 0). */
  spatialFreq: number;
  orientationDeg: number;
  /** Cycles per second. */
  temporalFreq: number;
  frameRate: number;
  /** Amplitude in [0, 1]. */
  contrast: number;
  /** Radians. */
  phase: number;
}

/** numpy's linspace(-1, 1, n): n points, both ends included (a single point sits at -1). */
export function linspaceUnit(n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = n === 1 ? -1 : -1 + (2 * i) / (n - 1);
  return out;
}

/** One grating: Float32Array [frames, height, width] in [-1, 1]. */
export function driftingGrating(p: GratingParams): Float32Array {
  const { width, height, frames } = p;
  for (const [k, v] of Object.entries({ width, height, frames })) {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`driftingGrating: ${k} must be a positive integer, got ${v}`);
  }
  if (!(p.frameRate > 0)) throw new RangeError(`driftingGrating: frameRate must be > 0, got ${p.frameRate}`);
  const xs = linspaceUnit(width);
  const ys = linspaceUnit(height);
  const theta = (p.orientationDeg * Math.PI) / 180;
  const cos = Math.cos(theta);
  const sin = Math.sin(theta);
  const k = 2 * Math.PI * p.spatialFreq * 0.5;
  const out = new Float32Array(frames * height * width);
  for (let i = 0; i < frames; i++) {
    const shift = p.phase + (i * 2 * Math.PI * p.temporalFreq) / p.frameRate;
    for (let r = 0; r < height; r++) {
      const yTerm = ys[r]! * sin;
      const row = (i * height + r) * width;
      for (let c = 0; c < width; c++) {
        out[row + c] = p.contrast * Math.sin(k * (xs[c]! * cos + yTerm) + shift);
      }
    }
  }
  return out;
}

/** Named tints; 'gray' (the paper's untinted grating) and 'white' are the same triple, as are the paper's red … orange. */
export const PALETTE: Record<Exclude<ColourSpec, number[]>, [number, number, number]> = {
  white: [1, 1, 1],
  gray: [1, 1, 1],
  orange: [1, 0.5, 0],
  red: [1, 0, 0],
  green: [0, 1, 0],
  blue: [0, 0, 1],
  yellow: [1, 1, 0],
  cyan: [0, 1, 1],
  magenta: [1, 0, 1],
};

/** The RGB triple of a colour spec, or undefined when it is neither a palette name nor a valid triple. */
export function colourRgb(spec: unknown): [number, number, number] | undefined {
  if (typeof spec === 'string') return Object.hasOwn(PALETTE, spec) ? PALETTE[spec as keyof typeof PALETTE] : undefined;
  if (Array.isArray(spec) && spec.length === 3 && spec.every((v) => typeof v === 'number' && v >= 0 && v <= 1)) {
    return [spec[0], spec[1], spec[2]];
  }
  return undefined;
}

export function colourName(spec: ColourSpec): string {
  return typeof spec === 'string' ? spec : `rgb(${spec.join(',')})`;
}

/**
 * Writes `tint · grey` into an interleaved RGB clip: grey is [T, H, W] for the columns
 * [colStart, colEnd); out is [T, H, W, 3].
 */
export function tintInto(
  out: Float32Array,
  grey: Float32Array,
  rgb: readonly [number, number, number],
  shape: { frames: number; height: number; width: number },
  colStart = 0,
  colEnd = shape.width,
): void {
  const { frames, height, width } = shape;
  for (let t = 0; t < frames; t++) {
    for (let r = 0; r < height; r++) {
      const base = (t * height + r) * width;
      for (let c = colStart; c < colEnd; c++) {
        const g = grey[base + c]!;
        const o = (base + c) * 3;
        out[o] = g * rgb[0];
        out[o + 1] = g * rgb[1];
        out[o + 2] = g * rgb[2];
      }
    }
  }
}
