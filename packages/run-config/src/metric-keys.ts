/**
 * Metric points as the agent ships them: series keyed (key, block), block 1-based or null.
 *
 *   loss       E2E: block null (the whole model's one loss). Blockwise: block k, decoder k's
 *              masked-reconstruction MSE.
 *   loss_trivial  the trivial predictor's loss on the same step's masks, same blocks as `loss`:
 *              each masked patch predicted as zero in normalised-target space (its own mean).
 *              `loss` well below it means the model learned more than the trivial answer.
 *   grad_norm  pre-clipping global gradient norm, per optimiser group (block k, or null for E2E)
 *   lr         learning rate used by the step (block null)
 *
 * `step` is the 1-based global step (a sequential run numbers its K stages consecutively, so
 * block k's losses occupy steps (k−1)·S+1 … k·S). `wallTime` is milliseconds since the Unix epoch.
 */
export const METRIC_KEYS = ['loss', 'loss_trivial', 'grad_norm', 'lr'] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

/**
 * One metric point, from the trainer through the agent's spool to the API's logMetrics. The
 * trainer's keys are METRIC_KEYS; the agent adds its own (`sys/…` host metrics, `data/…` counts).
 */
export interface MetricPoint<Key extends string = string> {
  key: Key;
  /** Encoder block (1..K), or null for whole-model series. */
  block: number | null;
  /** 1-based global step. */
  step: number;
  value: number;
  /** Milliseconds since the Unix epoch. */
  wallTime: number;
}
