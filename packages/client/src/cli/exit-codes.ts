// What the CLI's exit status means, for every command. CI gates on these.
import { INPUT_ERROR_CODES, StratumError } from '../sdk/errors.js';
import type { RuleOutcome } from '../check/verdicts.js';

export const ExitCode = {
  /** Everything asked for was done; every rule passed; every watched run succeeded. */
  OK: 0,
  /** A regression was detected (check), or a watched sweep ended with failed/cancelled runs. */
  FAILED: 1,
  /** Usage or input error (bad flags, invalid sweep file, unknown sweep), or insufficient data. */
  USAGE: 2,
  /** Could not get an answer: API unreachable, token refused, server error, timeout. */
  UNAVAILABLE: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A regression anywhere wins (exit 1); else any rule without enough data (exit 2); else 0. */
export function exitCodeForCheck(outcomes: readonly RuleOutcome[]): ExitCode {
  if (outcomes.length === 0) return ExitCode.USAGE;
  if (outcomes.some((outcome) => outcome.verdict === 'FAIL')) return ExitCode.FAILED;
  if (outcomes.some((outcome) => outcome.verdict === 'INSUFFICIENT_DATA')) return ExitCode.USAGE;
  return ExitCode.OK;
}

/** The exit status for an error that ended a command. */
export function exitCodeForError(error: unknown): ExitCode {
  if (error instanceof StratumError) return INPUT_ERROR_CODES.has(error.code) ? ExitCode.USAGE : ExitCode.UNAVAILABLE;
  return ExitCode.UNAVAILABLE;
}
