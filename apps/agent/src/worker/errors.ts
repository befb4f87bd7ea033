// Which failures a retry could fix. A config error (invalid run config, invalid dataset spec,
// a dataset that does not fit the model) fails the same way every time, and so do divergence
// and an incompatible checkpoint (training is deterministic), and so does the evaluation suite
// refusing its input (an AnalysisError: same weights, same fixed set); anything else — a backend that
// did not load on this host, an I/O error, a crash — may well pass on another attempt or agent.
import { ConfigError } from '@stratum/run-config';
import { DatasetSpecError } from '@stratum/datasets';
import type { Divergence } from './messages.js';

/** A job whose inputs cannot work, found by the agent itself (not by the trainer's validation). */
export class JobConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JobConfigError';
  }
}

/** The evaluation suite failed after training succeeded. */
export class EvaluationError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly retryable: boolean,
  ) {
    super(`evaluation suite failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'EvaluationError';
  }
}

export interface Classified {
  retryable: boolean;
  /** CONFIG, DIVERGED, CHECKPOINT, EVALUATION, BACKEND or INTERNAL. */
  code: string;
}

export function classifyError(error: unknown): Classified {
  if (error instanceof ConfigError || error instanceof DatasetSpecError || error instanceof JobConfigError) return { retryable: false, code: 'CONFIG' };
  if (error instanceof EvaluationError) return { retryable: error.retryable, code: 'EVALUATION' };
  // By name: these classes live in the tfjs-loading part of the trainer.
  const name = error instanceof Error ? error.name : '';
  if (name === 'TrainingDivergedError') return { retryable: false, code: 'DIVERGED' };
  if (name === 'CheckpointError') return { retryable: false, code: 'CHECKPOINT' };
  if (name === 'BackendError') return { retryable: true, code: 'BACKEND' };
  // The GPU rejected work (a validation error: the same code fails the same way) or the device
  // was lost (a driver reset: another attempt may pass).
  if (name === 'GpuError') return { retryable: /device lost/i.test((error as Error).message), code: 'GPU' };
  return { retryable: true, code: 'INTERNAL' };
}

/** The step, block and value of a TrainingDivergedError (by name, as above), or undefined. */
export function divergenceOf(error: unknown): Divergence | undefined {
  if (!(error instanceof Error) || error.name !== 'TrainingDivergedError') return undefined;
  const { step, block, value, quantity } = error as Error & { step: number; block: number | null; value: number; quantity?: string };
  return {
    step,
    block: block ?? null,
    quantity: quantity === 'gradient norm' ? 'gradient norm' : 'loss',
    value: Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity',
  };
}
