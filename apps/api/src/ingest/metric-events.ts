// Live metric events (Topics.runMetrics(runId): { runId, points: [{key, block, step, value}] }),
// coalesced per run over a short window: under load an agent sends many small batches, and one
// NOTIFY per run per window keeps the notification queue (and its commit-time lock) cold.
// Each event carries the latest ≤ 200 points, trimmed further to fit PostgreSQL's NOTIFY limit.
import type { AppServices } from '../context.js';
import { Topics } from '../events/pubsub.js';

export interface MetricEventPoint {
  key: string;
  /** null = whole model (GraphQL's convention). */
  block: number | null;
  step: number;
  value: number;
}

export const MAX_EVENT_POINTS = 200;
/** NOTIFY carries at most 8000 bytes; the envelope (topic, runId) takes the rest. */
const MAX_EVENT_POINT_BYTES = 7_400;
const FLUSH_MS = 50;

interface Pending {
  points: MetricEventPoint[];
}

const pendingByApp = new WeakMap<AppServices, Map<string, Pending>>();

export function queueMetricEvent(app: AppServices, runId: string, points: MetricEventPoint[]): void {
  let pending = pendingByApp.get(app);
  if (!pending) {
    pending = new Map();
    pendingByApp.set(app, pending);
  }
  const existing = pending.get(runId);
  if (existing) {
    existing.points.push(...points);
    if (existing.points.length > MAX_EVENT_POINTS) existing.points.splice(0, existing.points.length - MAX_EVENT_POINTS);
    return;
  }
  const runPending = pending;
  const timer = setTimeout(() => {
    const entry = runPending.get(runId);
    runPending.delete(runId);
    if (entry) app.pubsub.publish(Topics.runMetrics(runId), { runId, points: fitForNotify(entry.points) });
  }, FLUSH_MS);
  timer.unref();
  pending.set(runId, { points: points.slice(-MAX_EVENT_POINTS) });
}

/** The latest points whose JSON fits the NOTIFY budget, oldest first. */
export function fitForNotify(points: readonly MetricEventPoint[], budget = MAX_EVENT_POINT_BYTES): MetricEventPoint[] {
  let bytes = 0;
  let from = points.length;
  while (from > 0 && points.length - from < MAX_EVENT_POINTS) {
    const size = JSON.stringify(points[from - 1]).length + 1;
    if (bytes + size > budget) break;
    bytes += size;
    from--;
  }
  return points.slice(from);
}
