// failJob: the holder reports a failure. Retryable and attempts left → QUEUED again after the
// backoff (min(base · 2^(attempts − 1), max) seconds); otherwise FAILED with the error on the
// job and the run. A divergence (a non-finite loss: training is deterministic, so never retried)
// is FAILED at once and recorded on the run with its step and block. A job whose run was
// cancelled meanwhile ends CANCELLED either way.
import type { AppServices } from '../context.js';
import { backoffSql } from './backoff.js';
import { explainLeaseLoss, FENCE, fenceParams, type Fence } from './fence.js';
import { runAfterFailure, TRANSITION_SELECT, toTransition, type Transition, type TransitionRow } from './transition.js';

/** Errors are stored for people to read; a runaway stack trace is cut here. */
export const MAX_ERROR_CHARS = 10_000;

const RETRY = `(NOT j.cancel_requested AND $5::boolean AND j.attempts < j.max_attempts)`;

const FAIL_SQL = `
WITH j AS (
  UPDATE jobs j
  SET status = (CASE WHEN j.cancel_requested THEN 'CANCELLED' WHEN ${RETRY} THEN 'QUEUED' ELSE 'FAILED' END)::"JobStatus",
      not_before = CASE WHEN ${RETRY} THEN ${backoffSql('$6', '$7')} ELSE j.not_before END,
      last_error = $4::text, lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
  WHERE ${FENCE}
  RETURNING j.*
), ${runAfterFailure('$8::jsonb')}${TRANSITION_SELECT}`;

/** Where training became non-finite, as the trainer reported it. */
export interface Divergence {
  step: number;
  /** 1-based block; null = the whole model (E2E). */
  block: number | null;
  quantity: 'loss' | 'gradient norm';
  /** 'NaN', 'Infinity' or '-Infinity' (JSON carries no non-finite numbers). */
  value: 'NaN' | 'Infinity' | '-Infinity';
}

export async function failJob(app: AppServices, fence: Fence, error: string, retryable: boolean, divergence: Divergence | null = null): Promise<Transition> {
  const message = error.length > MAX_ERROR_CHARS ? error.slice(0, MAX_ERROR_CHARS) + ' …[truncated]' : error;
  const { rows } = await app.pool.query<TransitionRow>({
    name: 'stratum_fail_job',
    text: FAIL_SQL,
    values: [...fenceParams(fence), message, retryable && divergence === null, app.config.BACKOFF_BASE_SECONDS, app.config.BACKOFF_MAX_SECONDS,
      divergence === null ? null : JSON.stringify(divergence)],
  });
  const row = rows[0];
  if (!row) return explainLeaseLoss(app, fence);
  return toTransition(app, row);
}
