// Retrying a request: exponential backoff with full jitter (uniform in [0, min(max, base·2^n)]),
// written once for every caller. Which failures are worth another attempt is the caller's
// policy (the SDK retries idempotent calls on transient failures only; the agent's writes are
// fenced and idempotent, so it also retries the server's own failures).
import { StratumError } from './error.js';

export interface RetryPolicy {
  /** Retries after the first attempt (0 disables retrying; Infinity until success or abort). */
  retries: number;
  /** First backoff ceiling in ms; doubles per retry. */
  baseDelayMs: number;
  /** Cap on one backoff in ms. */
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 250, maxDelayMs: 8000 };

export interface RetryInfo {
  /** The retry about to happen, from 1. */
  attempt: number;
  delayMs: number;
  error: StratumError;
}

export interface RetryOptions extends Partial<RetryPolicy> {
  signal?: AbortSignal;
  /** Whether this failure may be retried (default: `error.transient`). */
  shouldRetry?: (error: StratumError) => boolean;
  /** Called before each retry's wait. */
  onRetry?: (info: RetryInfo) => void;
  /** For tests: a random source and a sleep. */
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Full-jitter backoff for retry `attempt` (counted from 0). */
export function backoffDelay(attempt: number, policy: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(random() * ceiling);
}

export function abortedError(cause?: unknown): StratumError {
  return new StratumError('ABORTED', 'the request was cancelled', cause === undefined ? {} : { cause });
}

/** Waits `ms`, or less when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Runs `attempt` until it succeeds, fails for good, runs out of retries or `signal` aborts.
 * Only StratumErrors are retried; anything else (a local bug, a missing file) is thrown at once.
 */
export async function withRetry<T>(attempt: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const policy: RetryPolicy = {
    retries: options.retries ?? DEFAULT_RETRY.retries,
    baseDelayMs: options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
    maxDelayMs: options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
  };
  const shouldRetry = options.shouldRetry ?? ((error: StratumError) => error.transient);
  const wait = options.sleep ?? sleep;
  for (let retry = 0; ; retry++) {
    if (options.signal?.aborted) throw abortedError();
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StratumError) || error.code === 'ABORTED') throw error;
      if (retry >= policy.retries || options.signal?.aborted || !shouldRetry(error)) throw error;
      const delayMs = backoffDelay(retry, policy, options.random);
      options.onRetry?.({ attempt: retry + 1, delayMs, error });
      await wait(delayMs, options.signal);
    }
  }
}
