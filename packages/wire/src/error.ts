// Every failure of a request to the Stratum API, for the SDK, the CLI, the agent and the
// dashboard alike: one class with a machine-readable code. API errors keep the API's own code
// (BAD_USER_INPUT, NOT_FOUND, LEASE_LOST, …) and message; the transport adds NETWORK_ERROR,
// TIMEOUT, ABORTED and HTTP_ERROR (an answer without GraphQL errors, with its status).

export interface StratumErrorDetails {
  /** GraphQL path of the failing field, when the API named one. */
  path?: ReadonlyArray<string | number>;
  /** The API's `extensions` (minus `code`), e.g. `{ field: 'blocks' }`. */
  extensions?: Record<string, unknown>;
  /** HTTP status of the response, when there was one. */
  status?: number;
  /** All errors of the response; the first one gave this error its code and message. */
  errors?: ReadonlyArray<{ message: string; code: string }>;
  cause?: unknown;
}

export class StratumError extends Error {
  readonly code: string;
  readonly path?: ReadonlyArray<string | number>;
  readonly extensions: Record<string, unknown>;
  readonly status?: number;
  readonly errors: ReadonlyArray<{ message: string; code: string }>;

  constructor(code: string, message: string, details: StratumErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'StratumError';
    this.code = code;
    if (details.path) this.path = details.path;
    this.extensions = details.extensions ?? {};
    if (details.status !== undefined) this.status = details.status;
    this.errors = details.errors ?? [{ message, code }];
  }

  /** Network failures and overloaded/unavailable servers: worth retrying an idempotent call. */
  get transient(): boolean {
    return this.code === 'NETWORK_ERROR' || this.code === 'TIMEOUT' || (this.code === 'HTTP_ERROR' && [502, 503, 504].includes(this.status ?? 0));
  }

  /** A plain `{ message, code }`, e.g. to hand from server code to a rendered page. */
  toJSON(): { message: string; code: string } {
    return { message: this.message, code: this.code };
  }
}

/** Whether `error` is a StratumError with one of `codes`. */
export function hasCode(error: unknown, ...codes: string[]): error is StratumError {
  return error instanceof StratumError && codes.includes(error.code);
}
