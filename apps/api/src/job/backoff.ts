// Retry backoff: min(base · 2^(attempts − 1), max) seconds after a failure or a lost lease.
import type { ApiConfig } from '../env.js';

/** Seconds to wait before the next attempt, after `attempts` attempts (≥ 1) have been made. */
export function backoffSeconds(attempts: number, config: Pick<ApiConfig, 'BACKOFF_BASE_SECONDS' | 'BACKOFF_MAX_SECONDS'>): number {
  const exponent = Math.min(Math.max(attempts - 1, 0), 60);
  return Math.min(config.BACKOFF_BASE_SECONDS * 2 ** exponent, config.BACKOFF_MAX_SECONDS);
}

/**
 * The same rule as a SQL expression over the `attempts` column of the row being updated, with
 * the base and cap as parameters (`$base`, `$max` are placeholders the caller numbers).
 */
export function backoffSql(base: string, max: string, attempts = 'j.attempts'): string {
  return `now() + make_interval(secs => least(${base}::float8 * power(2::float8, least(greatest(${attempts} - 1, 0), 60)), ${max}::float8))`;
}
