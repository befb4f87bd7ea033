/**
 * Moving MNIST: real MNIST digits bouncing inside a square canvas.
 *
 * Every clip is a pure function of (options, seed, index): its parameters come from
 * `rngFor(seed, index)`, so clips can be generated in any order. Motion is sampled so the labels
 * are exact functions of the generation parameters:
 *   - direction: a bin k in 0..7 is drawn first; the angle is k·45° (plus an optional jitter
 *     smaller than half a bin). Angles are counter-clockwise as seen on screen: 0° moves right,
 *     90° moves up (towards row 0), 180° left, 270° down.
 *   - speed: a bin is drawn from `speeds` (pixels per frame); the speed is that value.
 * Labels describe the first digit and its *initial* motion (bounces reverse it later).
 * Digits move with sub-pixel precision (bilinear placement, which shifts the digit's intensity
 * centroid by exactly its displacement) and reflect off the walls. Values lie in [0, 1];
 * overlapping digits combine by maximum.
 */
import { digitPool, type DigitPool } from './mnist-digits.js';
import { rngFor } from '@stratum/stats';
import type { ClipDataset, ClipSample, ClipShape, MovingMnistOptions, TargetSpec } from './types.js';
import { checkIndex, checkKeys, intField, enumField, numField, numListField, seedField } from './validate.js';

export const DIRECTION_BINS = 8;

export interface DigitMotion {
  /** Index into the split's digit pool. */
  poolIndex: number;
  /** MNIST class of the digit. */
  digit: number;
  /** Index of the image within its class in the `mnist` package. */
  indexInClass: number;
  /** Top-left corner at frame 0, in pixels (sub-pixel). */
  x0: number;
  y0: number;
  directionBin: number;
  angleDeg: number;
  speedBin: number;
  /** Pixels per frame. */
  speed: number;
  /** Velocity in image coordinates (x right, y down), pixels per frame. */
  vx: number;
  vy: number;
}

/** Position of a point moving freely from 0 by `p`, folded into [0, span] by reflection. */
export function bounce(p: number, span: number): number {
  if (span <= 0) return 0;
  const period = 2 * span;
  const u = ((p % period) + period) % period;
  return u <= span ? u : period - u;
}

/** Velocity (x right, y down) of a motion at `angleDeg` counter-clockwise on screen. */
export function velocityOf(angleDeg: number, speed: number): [number, number] {
  const a = (angleDeg * Math.PI) / 180;
  return [speed * Math.cos(a), -speed * Math.sin(a)];
}

/**
 * Draws a digitSize² image at fractional top-left (px, py) into a size² frame, combining by max.
 * Output pixel X takes (1-f)·img[X-i] + f·img[X-i-1] per axis (i = floor, f = fraction).
 */
function drawDigit(frame: Float32Array, size: number, img: Float32Array, d: number, px: number, py: number): void {
  const ix = Math.floor(px);
  const iy = Math.floor(py);
  const fx = px - ix;
  const fy = py - iy;
  for (let r = 0; r <= d; r++) {
    const Y = iy + r;
    if (Y < 0 || Y >= size) continue;
    for (let c = 0; c <= d; c++) {
      const X = ix + c;
      if (X < 0 || X >= size) continue;
      const a = r < d && c < d ? img[r * d + c]! : 0;
      const b = r < d && c > 0 ? img[r * d + c - 1]! : 0;
      const e = r > 0 && c < d ? img[(r - 1) * d + c]! : 0;
      const g = r > 0 && c > 0 ? img[(r - 1) * d + c - 1]! : 0;
      const v = (1 - fy) * ((1 - fx) * a + fx * b) + fy * ((1 - fx) * e + fx * g);
      const o = Y * size + X;
      if (v > frame[o]!) frame[o] = v;
    }
  }
}

/** Renders digits (images of side `digitSize`) moving with the given motions: [T, size, size]. */
export function renderMovingDigits(
  images: Float32Array[],
  motions: Pick<DigitMotion, 'x0' | 'y0' | 'vx' | 'vy'>[],
  opts: { frames: number; size: number; digitSize: number },
): Float32Array {
  const { frames, size, digitSize } = opts;
  const span = size - digitSize;
  const out = new Float32Array(frames * size * size);
  for (let t = 0; t < frames; t++) {
    const frame = out.subarray(t * size * size, (t + 1) * size * size);
    motions.forEach((m, k) => {
      const px = bounce(m.x0 + m.vx * t, span);
      const py = bounce(m.y0 + m.vy * t, span);
      drawDigit(frame, size, images[k]!, digitSize, px, py);
    });
  }
  return out;
}

export interface ResolvedMovingMnist {
  seed: number;
  count: number;
  frames: number;
  size: number;
  digits: number;
  digitSize: number;
  speeds: number[];
  split: 'train' | 'test';
  directionJitterDeg: number;
}

const KEYS = ['seed', 'count', 'frames', 'size', 'digits', 'digitSize', 'speeds', 'split', 'directionJitterDeg'];

export function resolveMovingMnist(opts: MovingMnistOptions): ResolvedMovingMnist {
  const n = 'moving-mnist';
  checkKeys(n, opts, KEYS);
  const size = intField(n, opts, 'size', 32, 8, 1024);
  return {
    seed: seedField(n, opts),
    count: intField(n, opts, 'count', 10_000, 1),
    frames: intField(n, opts, 'frames', 16, 1, 1024),
    size,
    digits: intField(n, opts, 'digits', 1, 1, 8),
    digitSize: intField(n, opts, 'digitSize', Math.min(14, size), 2, size),
    speeds: numListField(n, opts, 'speeds', [1, 2, 3], { above: 0 }),
    split: enumField(n, opts, 'split', 'train', ['train', 'test'] as const),
    directionJitterDeg: numField(n, opts, 'directionJitterDeg', 0, { min: 0, below: 22.5 }),
  };
}

export class MovingMnist implements ClipDataset {
  readonly name = 'moving-mnist';
  readonly shape: ClipShape;
  readonly size: number;
  readonly targets: TargetSpec[];
  readonly valueRange: [number, number] = [0, 1];
  readonly config: ResolvedMovingMnist;
  private readonly pool: DigitPool;

  constructor(opts: MovingMnistOptions = {}) {
    this.config = resolveMovingMnist(opts);
    const c = this.config;
    this.shape = { frames: c.frames, height: c.size, width: c.size, channels: 1 };
    this.size = c.count;
    this.pool = digitPool(c.split, c.digitSize);
    this.targets = [
      { name: 'digit', numClasses: 10, description: 'MNIST class of the first digit (appearance)' },
      { name: 'direction', numClasses: DIRECTION_BINS, description: 'initial motion direction of the first digit, 45° bins counter-clockwise from rightward' },
      { name: 'speed', numClasses: c.speeds.length, description: `initial speed bin of the first digit (pixels/frame: ${c.speeds.join(', ')})` },
    ];
  }

  /** The generation parameters of clip `index` (one entry per digit). */
  describe(index: number): DigitMotion[] {
    checkIndex(this.name, index, this.size);
    const c = this.config;
    const rng = rngFor(c.seed, index);
    const span = c.size - c.digitSize;
    const motions: DigitMotion[] = [];
    for (let k = 0; k < c.digits; k++) {
      const poolIndex = rng.int(this.pool.size);
      const directionBin = rng.int(DIRECTION_BINS);
      const jitter = c.directionJitterDeg > 0 ? rng.uniform(-c.directionJitterDeg, c.directionJitterDeg) : 0;
      const angleDeg = directionBin * (360 / DIRECTION_BINS) + jitter;
      const speedBin = rng.int(c.speeds.length);
      const speed = c.speeds[speedBin]!;
      const [vx, vy] = velocityOf(angleDeg, speed);
      const ref = this.pool.ref(poolIndex);
      motions.push({
        poolIndex,
        digit: ref.label,
        indexInClass: ref.indexInClass,
        x0: rng.uniform(0, span),
        y0: rng.uniform(0, span),
        directionBin,
        angleDeg,
        speedBin,
        speed,
        vx,
        vy,
      });
    }
    return motions;
  }

  get(index: number): ClipSample {
    const motions = this.describe(index);
    const images = motions.map((m) => this.pool.image(m.poolIndex));
    const clip = renderMovingDigits(images, motions, this.config);
    const first = motions[0]!;
    return { clip, labels: { digit: first.digit, direction: first.directionBin, speed: first.speedBin } };
  }

  /** The pool image (digitSize², [0, 1]) a clip's digit is drawn from. */
  digitImage(poolIndex: number): Float32Array {
    return this.pool.image(poolIndex);
  }
}

export function movingMnist(opts: MovingMnistOptions = {}): MovingMnist {
  return new MovingMnist(opts);
}
