// Which stored rows a downsampled series read needs (pure; no I/O).
//
// A downsampled series is its range's first point on its own, then the rest, steps (lo, hi],
// in aligned buckets of width 2^L: the smallest L giving at most maxPoints − 1 of them. Every
// bucket wholly inside the range is one rollup row at level L (when L is a rollup level). The
// two edge buckets the range cuts are covered exactly by coarser-to-finer rollup rows (at most
// one per level on each side) and fewer than 16 raw points at each end, so a read touches
// O(maxPoints + levels) rows whatever the number of stored points.
import { ROLLUP_MAX_LEVEL, ROLLUP_MIN_LEVEL } from '@stratum/db';

/** A stored range: rollup rows of one level with bucket in [from, to], or raw points with step in [from, to]. */
export type Piece =
  | { kind: 'rollup'; level: number; from: number; to: number }
  | { kind: 'raw'; from: number; to: number };

const width = (level: number) => 2 ** level;

/** Smallest level L whose aligned buckets meeting steps [a, b] number at most `buckets` (≥ 1). */
export function bucketLevel(a: number, b: number, buckets: number): number {
  let level = 0;
  while (Math.floor(b / width(level)) - Math.floor(a / width(level)) + 1 > buckets) level++;
  return level;
}

/**
 * Pieces covering steps [a, b] exactly, in step order, using rollup levels up to `maxLevel`:
 * greedily the largest aligned block that fits, raw points where no rollup block does.
 * Adjacent blocks of one level and adjacent raw ranges are merged into one piece.
 */
export function cover(a: number, b: number, maxLevel: number): Piece[] {
  const top = Math.min(maxLevel, ROLLUP_MAX_LEVEL);
  const pieces: Piece[] = [];
  let s = a;
  while (s <= b) {
    let level = top;
    while (level >= ROLLUP_MIN_LEVEL && (s % width(level) !== 0 || s + width(level) - 1 > b)) level--;
    const last = pieces.at(-1);
    if (level < ROLLUP_MIN_LEVEL) {
      const end = Math.min(b, (Math.floor(s / width(ROLLUP_MIN_LEVEL)) + 1) * width(ROLLUP_MIN_LEVEL) - 1);
      if (last?.kind === 'raw' && last.to === s - 1) last.to = end;
      else pieces.push({ kind: 'raw', from: s, to: end });
      s = end + 1;
    } else {
      // Every whole block of this level from s on (more than one only at the top level).
      const blocks = level === top ? Math.floor((b + 1 - s) / width(level)) : 1;
      const bucket = s / width(level);
      if (last?.kind === 'rollup' && last.level === level && last.to === bucket - 1) last.to = bucket + blocks - 1;
      else pieces.push({ kind: 'rollup', level, from: bucket, to: bucket + blocks - 1 });
      s += blocks * width(level);
    }
  }
  return pieces;
}

export type SeriesPlan =
  | { kind: 'raw'; from: number; to: number }
  | { kind: 'buckets'; level: number; pieces: Piece[] };

/**
 * How to read a series whose points in the asked window span steps lo … hi: raw when the span
 * holds at most maxPoints steps, else bucketed at level L over (lo, hi]. Below the finest rollup
 * level the buckets are made from raw points (fewer than 8·maxPoints of them).
 */
export function planSeries(lo: number, hi: number, maxPoints: number): SeriesPlan {
  if (hi - lo < maxPoints) return { kind: 'raw', from: lo, to: hi };
  const level = bucketLevel(lo + 1, hi, maxPoints - 1);
  if (level < ROLLUP_MIN_LEVEL) return { kind: 'buckets', level, pieces: [{ kind: 'raw', from: lo + 1, to: hi }] };
  return { kind: 'buckets', level, pieces: cover(lo + 1, hi, level) };
}

/**
 * Folds stored rows, given in step order, into the buckets of width 2^level, as columns: each
 * bucket's last step and value, min, max and point count. `add` takes a row covering steps from
 * `start` and merges it into the current bucket or opens the next one.
 */
export class BucketFolder {
  readonly steps: number[] = [];
  readonly values: number[] = [];
  readonly mins: number[] = [];
  readonly maxs: number[] = [];
  readonly counts: number[] = [];
  private current = -1;
  private lastStart = -1;
  private readonly width: number;

  constructor(level: number) {
    this.width = width(level);
  }

  add(start: number, n: number, min: number, max: number, lastStep: number, lastValue: number): void {
    if (start <= this.lastStart) throw new Error(`series rows arrived out of step order (${start} after ${this.lastStart})`);
    this.lastStart = start;
    const index = Math.floor(start / this.width);
    const k = this.counts.length - 1;
    if (index !== this.current) {
      this.current = index;
      this.steps.push(lastStep);
      this.values.push(lastValue);
      this.mins.push(min);
      this.maxs.push(max);
      this.counts.push(n);
      return;
    }
    // Rows come in step order, so a later row's last point is the bucket's last point.
    this.steps[k] = lastStep;
    this.values[k] = lastValue;
    if (min < this.mins[k]!) this.mins[k] = min;
    if (max > this.maxs[k]!) this.maxs[k] = max;
    this.counts[k]! += n;
  }

  /** Points folded in so far. */
  total(): number {
    let n = 0;
    for (const c of this.counts) n += c;
    return n;
  }
}
