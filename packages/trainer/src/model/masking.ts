/**
 * Tube masking (VideoMAE's TubeMaskingGenerator).
 *
 * Mask convention, used everywhere in the trainer: a token is *masked* when it is hidden from
 * the encoder and the decoder must reconstruct it (VideoMAE's mask == True). One spatial mask
 * of exactly floor(ratio · S) positions is drawn per clip and repeated over all gt time
 * slices, so every clip has exactly gt·(S − floor(ratio·S)) visible tokens. The mask is drawn
 * once per clip per step and shared by every block and decoder.
 */
import type { Prng } from '@stratum/stats';
import type { Grid } from './patchify.js';

export interface TubeMask {
  batch: number;
  /** Visible token ids per clip, ascending: [B, Nv] flattened. */
  visible: Int32Array;
  /** Masked token ids per clip, ascending: [B, Nm] flattened. */
  masked: Int32Array;
  visiblePerClip: number;
  maskedPerClip: number;
}

/** Draws one tube mask per clip from `rng` (advancing it). */
export function sampleTubeMask(rng: Prng, batch: number, grid: Grid, maskRatio: number): TubeMask {
  const S = grid.gh * grid.gw;
  const maskedSpatial = Math.floor(maskRatio * S);
  const visibleSpatial = S - maskedSpatial;
  const visible = new Int32Array(batch * grid.gt * visibleSpatial);
  const masked = new Int32Array(batch * grid.gt * maskedSpatial);
  const perm = new Int32Array(S);
  const isVisible = new Uint8Array(S);
  for (let b = 0; b < batch; b++) {
    // Partial Fisher–Yates: the first `visibleSpatial` entries are a uniform random subset.
    for (let i = 0; i < S; i++) perm[i] = i;
    for (let i = 0; i < visibleSpatial; i++) {
      const j = i + rng.nextInt(S - i);
      const t = perm[i]!;
      perm[i] = perm[j]!;
      perm[j] = t;
    }
    isVisible.fill(0);
    for (let i = 0; i < visibleSpatial; i++) isVisible[perm[i]!] = 1;
    let v = b * grid.gt * visibleSpatial;
    let m = b * grid.gt * maskedSpatial;
    for (let t = 0; t < grid.gt; t++) {
      for (let s = 0; s < S; s++) {
        if (isVisible[s]) visible[v++] = t * S + s;
        else masked[m++] = t * S + s;
      }
    }
  }
  return { batch, visible, masked, visiblePerClip: grid.gt * visibleSpatial, maskedPerClip: grid.gt * maskedSpatial };
}

/** Row indices into a [B·N, …] matrix for per-clip token ids [B, n]: b·N + id. */
export function flatRows(ids: Int32Array, batch: number, tokens: number): Int32Array {
  const per = ids.length / batch;
  const out = new Int32Array(ids.length);
  for (let i = 0; i < ids.length; i++) out[i] = Math.floor(i / per) * tokens + ids[i]!;
  return out;
}
