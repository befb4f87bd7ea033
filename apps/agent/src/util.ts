// Small helpers shared by the daemon and the worker.

/** A delay drawn uniformly from [base/2, base] ("equal jitter"), so agents do not poll in step. */
export function jitter(base: number): number {
  return base / 2 + Math.random() * (base / 2);
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
