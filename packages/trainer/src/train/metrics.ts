import type { MetricKey, MetricPoint as Point } from '@stratum/run-config';

/** A point the trainer logs (keys and their meaning: @stratum/run-config's METRIC_KEYS). */
export type MetricPoint = Point<MetricKey>;

/** Buffers points and hands them out in batches (by count or age), awaiting the consumer. */
export class MetricBuffer {
  private points: MetricPoint[] = [];
  private lastFlush = Date.now();

  constructor(
    private readonly sink: ((points: MetricPoint[]) => void | Promise<void>) | undefined,
    private readonly maxPoints = 512,
    private readonly maxAgeMs = 2000,
  ) {}

  push(...points: MetricPoint[]): void {
    this.points.push(...points);
  }

  /** Flushes when the buffer is full or old; `force` flushes whatever is there. */
  async flush(force = false): Promise<void> {
    if (this.points.length === 0) return;
    if (!force && this.points.length < this.maxPoints && Date.now() - this.lastFlush < this.maxAgeMs) return;
    const batch = this.points;
    this.points = [];
    this.lastFlush = Date.now();
    await this.sink?.(batch);
  }
}
