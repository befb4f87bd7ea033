/**
 * Drifting periodic textures: the CPU miniature's dataset, built so that what a masked
 * autoencoder must learn is learnable in a few hundred CPU steps.
 *
 * Each clip tiles one `period`×`period` texture over the frame and drifts it by an integer
 * number of pixels per frame (wrapping). The texture is one of `classes` fixed prototypes (drawn
 * once from `prototypeSeed`, so every split and seed shares them), with per-clip pixel jitter
 * (`noise`) and contrast; frame 0 always starts the tiling at the pattern's origin, so a texture
 * is one of `classes` patterns rather than any of their period² shifts. With the default period 4 — the CPU presets' tubelet width — every
 * 4×4 patch of a frame holds the same pixels, so a masked patch is predictable from any visible
 * one, and motion shows only inside a patch over time. On Moving MNIST and on gratings a masked
 * patch depends on where it is (a digit's stroke, a grating's local phase), and the CPU presets
 * did not learn that within the demo's budget (see the README).
 *
 * Labels: `texture` (the prototype), `direction` (8 bins, 45° counter-clockwise from rightward as
 * seen on screen, as Moving MNIST's), and `speed` (index into `speeds`) when more than one is given.
 * A speed must stay below period/2 so that a drift and its opposite look different.
 * Every clip is a pure function of (options, seed, index); values lie in [0, 1].
 */
import { rngFor } from '@stratum/stats';
import type { ClipDataset, ClipSample, ClipShape, TargetSpec, TexturesOptions } from './types.js';
import { checkIndex, checkKeys, enumField, intField, numField, seedField } from './validate.js';
import { DatasetSpecError } from './validate.js';

export const TEXTURE_DIRECTIONS = 8;
/** Pixel steps (x right, y down) of each direction bin: 0 right, 2 up, 4 left, 6 down. */
const STEPS: ReadonlyArray<readonly [number, number]> = [[1, 0], [1, -1], [0, -1], [-1, -1], [-1, 0], [-1, 1], [0, 1], [1, 1]];

export interface ResolvedTextures {
  seed: number;
  count: number;
  frames: number;
  size: number;
  period: number;
  classes: number;
  noise: number;
  minContrast: number;
  speeds: number[];
  split: 'train' | 'test';
  prototypeSeed: number;
}

const KEYS = ['seed', 'count', 'frames', 'size', 'period', 'classes', 'noise', 'minContrast', 'speeds', 'split', 'prototypeSeed'];
const SPLIT_KEY = { train: 0, test: 1 } as const;

export function resolveTextures(opts: TexturesOptions): ResolvedTextures {
  const n = 'textures';
  checkKeys(n, opts, KEYS);
  const size = intField(n, opts, 'size', 32, 2, 1024);
  const period = intField(n, opts, 'period', 4, 2, size);
  const raw = (opts as { speeds?: unknown }).speeds;
  const speeds = raw === undefined ? [1] : raw;
  if (!Array.isArray(speeds) || speeds.length === 0 || speeds.some((s) => !Number.isInteger(s) || s < 1 || 2 * s >= period)) {
    throw new DatasetSpecError(n, 'speeds', `must be a non-empty list of integers in [1, period/2) = [1, ${Math.ceil(period / 2) - 1}] (pixels per frame; a drift and its opposite must differ), got ${JSON.stringify(raw)}`);
  }
  return {
    seed: seedField(n, opts),
    count: intField(n, opts, 'count', 4096, 1),
    frames: intField(n, opts, 'frames', 16, 1, 1024),
    size,
    period,
    classes: intField(n, opts, 'classes', 10, 2, 1000),
    noise: numField(n, opts, 'noise', 0.3, { min: 0, max: 1 }),
    minContrast: numField(n, opts, 'minContrast', 0.5, { above: 0, max: 1 }),
    speeds: speeds as number[],
    split: enumField(n, opts, 'split', 'train', ['train', 'test'] as const),
    prototypeSeed: seedField(n, opts, 'prototypeSeed'),
  };
}

export interface TextureParams {
  texture: number;
  directionBin: number;
  speedBin: number;
  speed: number;
  contrast: number;
  /** The clip's period² texture, in [0, 1]. */
  pattern: Float32Array;
}

export class Textures implements ClipDataset {
  readonly name = 'textures';
  readonly shape: ClipShape;
  readonly size: number;
  readonly targets: TargetSpec[];
  readonly valueRange: [number, number] = [0, 1];
  readonly config: ResolvedTextures;
  private readonly prototypes: Float32Array[];

  constructor(opts: TexturesOptions = {}) {
    this.config = resolveTextures(opts);
    const c = this.config;
    this.shape = { frames: c.frames, height: c.size, width: c.size, channels: 1 };
    this.size = c.count;
    this.prototypes = Array.from({ length: c.classes }, (_, k) => {
      const rng = rngFor(c.prototypeSeed, 0x7e47, k);
      return Float32Array.from({ length: c.period * c.period }, () => rng.next());
    });
    this.targets = [
      { name: 'texture', numClasses: c.classes, description: `which of ${c.classes} fixed ${c.period}×${c.period} textures is tiled (appearance)` },
      { name: 'direction', numClasses: TEXTURE_DIRECTIONS, description: 'drift direction, 45° bins counter-clockwise from rightward' },
      ...(c.speeds.length > 1 ? [{ name: 'speed', numClasses: c.speeds.length, description: `drift speed bin (pixels/frame: ${c.speeds.join(', ')})` }] : []),
    ];
  }

  /** The generation parameters of clip `index`. */
  describe(index: number): TextureParams {
    checkIndex(this.name, index, this.size);
    const c = this.config;
    const rng = rngFor(c.seed, SPLIT_KEY[c.split], index);
    const texture = rng.int(c.classes);
    const directionBin = rng.int(TEXTURE_DIRECTIONS);
    const speedBin = rng.int(c.speeds.length);
    const contrast = rng.uniform(c.minContrast, 1);
    const proto = this.prototypes[texture]!;
    const pattern = Float32Array.from(proto, (v) => {
      const jittered = Math.min(1, Math.max(0, v + c.noise * (rng.next() - 0.5)));
      return 0.5 + contrast * (jittered - 0.5);
    });
    return { texture, directionBin, speedBin, speed: c.speeds[speedBin]!, contrast, pattern };
  }

  get(index: number): ClipSample {
    const p = this.describe(index);
    const { frames: T, size: S, period: P } = this.config;
    const [sx, sy] = STEPS[p.directionBin]!;
    const clip = new Float32Array(T * S * S);
    const wrap = (v: number) => ((v % P) + P) % P;
    for (let t = 0; t < T; t++) {
      // The texture has moved by (sx, sy)·speed·t: the pixel at x shows the pattern at x − shift.
      const ox = -sx * p.speed * t;
      const oy = -sy * p.speed * t;
      for (let y = 0; y < S; y++) {
        const row = wrap(y + oy) * P;
        const base = (t * S + y) * S;
        for (let x = 0; x < S; x++) clip[base + x] = p.pattern[row + wrap(x + ox)]!;
      }
    }
    const labels: Record<string, number> = { texture: p.texture, direction: p.directionBin };
    if (this.config.speeds.length > 1) labels.speed = p.speedBin;
    return { clip, labels };
  }
}

export function textures(opts: TexturesOptions = {}): Textures {
  return new Textures(opts);
}
