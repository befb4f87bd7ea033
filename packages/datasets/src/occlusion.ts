/**
 * OccDrop's occluder, as in the paper's released code (evaluation/occlusion.py): every clip keeps
 * one random patch-sized spatial window, the same in all frames, aligned to the patch grid, and
 * everything else is zeroed. With `halves` (double gratings) it keeps two: one wholly in the
 * left half (columns [0, ⌊W/2⌋)) and one wholly in the right half ([⌊W/2⌋, W)). Rows and
 * columns are drawn uniformly over the aligned positions, seeded per (seed, clip).
 */
import { rngFor } from '@stratum/stats';

export interface PatchOcclusionOptions {
  /** Patch height and width in pixels (the tubelet's spatial size; the paper's 16×16). */
  readonly patch: readonly [number, number];
  /** One patch per half instead of one per clip. Default false. */
  readonly halves?: boolean;
  /** Seeds the positions. Default 0. */
  readonly seed?: number;
}

/** Top-left corner (pixels) of a kept window. */
export interface KeptPatch {
  readonly y0: number;
  readonly x0: number;
}

/**
 * Clips [N, T, H, W, C] (C fastest) → the occluded clips and, per clip, the windows kept.
 * H and W must be multiples of the patch size (as the released code requires).
 */
export function keepRandomPatches(
  clips: Float32Array,
  shape: readonly [number, number, number, number, number],
  options: PatchOcclusionOptions,
): { clips: Float32Array; kept: KeptPatch[][] } {
  const [n, t, h, w, c] = shape;
  const [ph, pw] = options.patch;
  if (clips.length !== n * t * h * w * c) throw new RangeError(`keepRandomPatches: clips has ${clips.length} values, shape [${shape.join(', ')}] needs ${n * t * h * w * c}`);
  if (!(Number.isInteger(ph) && Number.isInteger(pw) && ph >= 1 && pw >= 1)) throw new RangeError(`keepRandomPatches: patch must be two positive integers, got [${ph}, ${pw}]`);
  if (h % ph !== 0 || w % pw !== 0) throw new RangeError(`keepRandomPatches: frame ${h}×${w} is not a multiple of the ${ph}×${pw} patch`);
  const rows = h / ph;
  const mid = Math.floor(w / 2);
  // Aligned column ranges (inclusive): the whole width, or each half.
  const ranges: Array<[number, number]> = options.halves
    ? [
        [0, Math.floor((mid - pw) / pw)],
        [Math.ceil(mid / pw), Math.floor((w - pw) / pw)],
      ]
    : [[0, w / pw - 1]];
  for (const [lo, hi] of ranges) {
    if (hi < lo) throw new RangeError(`keepRandomPatches: a ${w}-pixel-wide frame has no ${pw}-pixel patch wholly inside each half`);
  }
  const out = new Float32Array(clips.length);
  const kept: KeptPatch[][] = [];
  for (let i = 0; i < n; i++) {
    const rng = rngFor(options.seed ?? 0, 0x6f63_6364, i);
    const windows = ranges.map(([lo, hi]) => ({ y0: rng.int(rows) * ph, x0: (lo + rng.int(hi - lo + 1)) * pw }));
    kept.push(windows);
    for (const { y0, x0 } of windows) {
      for (let f = 0; f < t; f++) {
        for (let y = y0; y < y0 + ph; y++) {
          const start = (((i * t + f) * h + y) * w + x0) * c;
          out.set(clips.subarray(start, start + pw * c), start);
        }
      }
    }
  }
  return { clips: out, kept };
}
