// The order a sweep's TRAIN jobs are queued in: the most work first (longest processing time
// first), so that a fixed pool of agents does not end the sweep with one long run going alone
// while the others wait. Work is the cost model's training FLOPs: flopsPerStep × steps, and
// sequential runs K stages of `steps`. Runs of equal work keep the expansion order.
import { flopsPerStep, type RunConfig } from '@stratum/run-config';

/** Analytic FLOPs of a whole training run. */
export function trainingFlops(config: RunConfig): number {
  const stages = config.regime === 'sequential' ? config.blocks : 1;
  return flopsPerStep(config) * config.steps * stages;
}

/** Run ids, most training work first; ties in the order given. */
export function longestFirst(cells: ReadonlyArray<{ runId: string; config: RunConfig }>): string[] {
  return cells
    .map((cell, index) => ({ runId: cell.runId, work: trainingFlops(cell.config), index }))
    .sort((a, b) => b.work - a.work || a.index - b.index)
    .map((cell) => cell.runId);
}
