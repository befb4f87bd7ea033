/**
 * Clip sampling for real videos, following VideoMAE-style loaders:
 *   temporal: T frames at `stride` apart, spanning (T−1)·stride + 1 source frames; training
 *     starts at a uniformly random frame, evaluation at the centred one;
 *   spatial: the frame is (virtually) scaled so its short side is `shortSide`, then a size×size
 *     square is cut — at a random integer offset with a 50% horizontal flip for training, at the
 *     centre for evaluation. Cropping happens in source coordinates followed by one area
 *     resample, which equals scale-then-crop without building the scaled frame.
 */
import type { Rng } from '@stratum/stats';
import { resampleArea, type SourceWindow } from '../resample.js';
import type { RgbFrame } from './ppm.js';

export interface TemporalPlan {
  start: number;
  stride: number;
  frames: number;
}

/** Source frames one clip spans. */
export const clipSpan = (frames: number, stride: number): number => (frames - 1) * stride + 1;

export function planTemporal(frameCount: number, frames: number, stride: number, rng: Rng | undefined): TemporalPlan {
  const slack = frameCount - clipSpan(frames, stride);
  if (slack < 0) throw new RangeError(`a clip of ${frames} frames at stride ${stride} needs ${clipSpan(frames, stride)} frames, the video has ${frameCount}`);
  return { start: rng ? rng.int(slack + 1) : Math.floor(slack / 2), stride, frames };
}

export interface SpatialPlan {
  window: SourceWindow;
  flip: boolean;
}

/** Crop window (source pixels) and flip; `rng` absent → centre crop, no flip. */
export function planSpatial(srcW: number, srcH: number, size: number, shortSide: number, rng: Rng | undefined): SpatialPlan {
  const scale = shortSide / Math.min(srcW, srcH);
  const scaledW = srcW <= srcH ? shortSide : Math.round(srcW * scale);
  const scaledH = srcH < srcW ? shortSide : Math.round(srcH * scale);
  const offX = rng ? rng.int(scaledW - size + 1) : Math.floor((scaledW - size) / 2);
  const offY = rng ? rng.int(scaledH - size + 1) : Math.floor((scaledH - size) / 2);
  const flip = rng ? rng.next() < 0.5 : false;
  const sx = srcW / scaledW;
  const sy = srcH / scaledH;
  return { window: { x0: offX * sx, y0: offY * sy, width: size * sx, height: size * sy }, flip };
}

/** Crops, resizes and (maybe) flips frames into a [T, size, size, 3] clip in [0, 1]. */
export function renderClip(frames: readonly RgbFrame[], size: number, plan: SpatialPlan): Float32Array {
  const per = size * size * 3;
  const clip = new Float32Array(frames.length * per);
  frames.forEach((f, t) => {
    resampleArea(f.data, f.width, f.height, 3, plan.window, size, size, clip, t * per, { flip: plan.flip, scale: 1 / 255 });
  });
  return clip;
}
