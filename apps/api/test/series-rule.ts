// metricSeries' documented downsampling rule, computed by brute force from the raw points.

/** The documented rule, by brute force: raw up to M points; else the first point alone and the
 * rest in aligned step buckets of width 2^L (the smallest L giving at most M − 1 of them), each
 * with its last point, min, max, count. */
export function expectedSeries(points: Array<[number, number]>, M: number) {
  const sorted = [...points].sort((a, b) => a[0] - b[0]);
  if (sorted.length <= M) return { downsampled: false, steps: sorted.map((p) => p[0]), values: sorted.map((p) => p[1]), mins: null, maxs: null, counts: null };
  const [lo, first] = sorted[0]!;
  const hi = sorted.at(-1)![0];
  let width = 1;
  while (Math.floor(hi / width) - Math.floor((lo + 1) / width) + 1 > M - 1) width *= 2;
  const buckets = new Map<number, Array<[number, number]>>();
  for (const p of sorted.slice(1)) {
    const b = Math.floor(p[0] / width);
    if (!buckets.has(b)) buckets.set(b, []);
    buckets.get(b)!.push(p);
  }
  const ordered = [...buckets.keys()].sort((a, b) => a - b).map((b) => buckets.get(b)!);
  return {
    downsampled: true,
    steps: [lo, ...ordered.map((g) => g.at(-1)![0])],
    values: [first, ...ordered.map((g) => g.at(-1)![1])],
    mins: [first, ...ordered.map((g) => Math.min(...g.map((p) => p[1])))],
    maxs: [first, ...ordered.map((g) => Math.max(...g.map((p) => p[1])))],
    counts: [1, ...ordered.map((g) => g.length)],
  };
}
