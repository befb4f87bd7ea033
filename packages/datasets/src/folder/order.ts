/**
 * Orders and subsamples of a folder's videos, stratified by class and seeded: a per-class
 * fraction (e.g. 30% of a test split) and a class-interleaved order whose prefixes are close to
 * class-balanced (bounded evaluation sets).
 */
import { permutation, rngFor } from '@stratum/stats';
import type { VideoEntry } from './scan.js';

function groupBy<T>(items: readonly T[], key: (item: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const item of items) {
    const k = key(item);
    const g = groups.get(k);
    if (g) g.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Keeps max(1, round(fraction · n)) videos of each class, chosen by a seeded shuffle. */
export function stratifiedFraction<T extends VideoEntry>(videos: T[], fraction: number, seed: number): T[] {
  const byClass = groupBy(videos, (v) => v.classIndex);
  const keep = new Set<T>();
  for (const [cls, group] of byClass) {
    const perm = permutation(group.length, rngFor(seed, cls, 0x66726163));
    const k = Math.max(1, Math.round(fraction * group.length));
    for (let i = 0; i < k; i++) keep.add(group[perm[i]!]!);
  }
  return videos.filter((v) => keep.has(v));
}

/** Dataset indices ordered class by class in turns. */
export function interleavedOrder(videos: readonly VideoEntry[], seed: number): number[] {
  const byClass = groupBy(videos.map((_, i) => i), (i) => videos[i]!.classIndex);
  const queues = [...byClass.entries()].sort((a, b) => a[0] - b[0]).map(([cls, ids]) => {
    const perm = permutation(ids.length, rngFor(seed, cls, 0x6d617465));
    return Array.from(perm, (p) => ids[p]!);
  });
  const out: number[] = [];
  for (let round = 0; out.length < videos.length; round++) {
    for (const q of queues) if (round < q.length) out.push(q[round]!);
  }
  return out;
}
