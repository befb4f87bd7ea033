/**
 * Area (box-filter) resampling, used to shrink MNIST digits and to crop + resize video frames.
 * Pixel i covers [i, i+1); an output pixel averages the source area it covers, weighted by
 * overlap, which is exact for integer factors (28 → 14 averages 2×2 blocks) and a plain copy
 * when the window is integral and the scale is 1.
 */

/** A window of the source image in pixel coordinates (may be fractional). */
export interface SourceWindow {
  x0: number;
  y0: number;
  width: number;
  height: number;
}

interface AxisTaps {
  /** For output i: taps offsets[i] .. offsets[i+1]-1 in `index` / `weight`. */
  offsets: Int32Array;
  index: Int32Array;
  weight: Float64Array;
}

/** Source taps for `n` outputs covering [start, start + length) of an axis of `srcLen` pixels. */
function axisTaps(start: number, length: number, n: number, srcLen: number): AxisTaps {
  const step = length / n;
  const offsets = new Int32Array(n + 1);
  const index: number[] = [];
  const weight: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = start + i * step;
    const b = a + step;
    for (let j = Math.floor(a); j < b; j++) {
      const overlap = Math.min(b, j + 1) - Math.max(a, j);
      if (overlap <= 1e-12) continue;
      index.push(Math.min(srcLen - 1, Math.max(0, j))); // clamp: windows may graze the border
      weight.push(overlap / step);
    }
    offsets[i + 1] = index.length;
  }
  return { offsets, index: Int32Array.from(index), weight: Float64Array.from(weight) };
}

export interface ResampleOptions {
  /** Mirror the output horizontally. */
  flip?: boolean;
  /** Multiplies every source value (e.g. 1/255 for bytes). */
  scale?: number;
}

/**
 * Resamples `win` of an interleaved [srcH, srcW, C] image into [outH, outW, C], written into
 * `out` starting at `outOffset`.
 */
export function resampleArea(
  src: ArrayLike<number>,
  srcW: number,
  srcH: number,
  channels: number,
  win: SourceWindow,
  outW: number,
  outH: number,
  out: Float32Array,
  outOffset = 0,
  opts: ResampleOptions = {},
): void {
  const tx = axisTaps(win.x0, win.width, outW, srcW);
  const ty = axisTaps(win.y0, win.height, outH, srcH);
  const scale = opts.scale ?? 1;
  // Horizontal pass on each source row the window touches, then vertical.
  const rowMin = ty.index.reduce((m, v) => Math.min(m, v), srcH);
  const rowMax = ty.index.reduce((m, v) => Math.max(m, v), -1);
  const rows = rowMax - rowMin + 1;
  const tmp = new Float64Array(rows * outW * channels);
  for (let r = 0; r < rows; r++) {
    const srcRow = (rowMin + r) * srcW * channels;
    for (let i = 0; i < outW; i++) {
      const o = (r * outW + i) * channels;
      for (let k = tx.offsets[i]!; k < tx.offsets[i + 1]!; k++) {
        const s = srcRow + tx.index[k]! * channels;
        const w = tx.weight[k]!;
        for (let c = 0; c < channels; c++) tmp[o + c]! += w * src[s + c]!;
      }
    }
  }
  for (let j = 0; j < outH; j++) {
    for (let i = 0; i < outW; i++) {
      const xi = opts.flip ? outW - 1 - i : i;
      const o = outOffset + (j * outW + xi) * channels;
      for (let c = 0; c < channels; c++) {
        let acc = 0;
        for (let k = ty.offsets[j]!; k < ty.offsets[j + 1]!; k++) {
          acc += ty.weight[k]! * tmp[((ty.index[k]! - rowMin) * outW + i) * channels + c]!;
        }
        out[o + c] = acc * scale;
      }
    }
  }
}
