/**
 * Learning-rate schedule: linear warm-up then cosine decay to `minLr`, as VideoMAE's
 * cosine_scheduler, except that warm-up starts at lr/W rather than 0 (VideoMAE's linspace
 * spends its first step at lr 0).
 *
 *   step < W:  lr · (step + 1) / W
 *   step ≥ W:  minLr + ½ (lr − minLr) (1 + cos(π (step − W) / (S − W)))
 *
 * `step` is the 0-based index of the update about to be applied; S the steps in the schedule
 * (a sequential run restarts the schedule for each stage, whose steps it counts).
 */
export interface ScheduleConfig {
  lr: number;
  minLr: number;
  warmupSteps: number;
}

export function lrAt(step: number, cfg: ScheduleConfig, totalSteps: number): number {
  if (!Number.isInteger(step) || step < 0) throw new RangeError(`step must be a non-negative integer, got ${step}`);
  const W = Math.min(cfg.warmupSteps, totalSteps);
  if (step < W) return (cfg.lr * (step + 1)) / W;
  const span = totalSteps - W;
  if (span <= 0) return cfg.lr;
  const progress = Math.min(1, (step - W) / span);
  return cfg.minLr + 0.5 * (cfg.lr - cfg.minLr) * (1 + Math.cos(Math.PI * progress));
}
