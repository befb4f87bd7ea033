// Every failure the SDK and the CLI report: one class, with a machine-readable code. API errors
// keep the API's own code (BAD_USER_INPUT, NOT_FOUND, UNAUTHENTICATED, …) and message; the SDK
// adds NETWORK_ERROR, HTTP_ERROR, TIMEOUT and the local CONFIG_ERROR / USAGE codes.

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
}

/** Codes that mean "the request itself is wrong": the caller must change it, not retry. */
export const INPUT_ERROR_CODES: ReadonlySet<string> = new Set([
  'BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED',
  'QUERY_TOO_DEEP', 'QUERY_TOO_COMPLEX', 'BAD_REQUEST', 'USAGE', 'CONFIG_ERROR', 'INVALID_FILE',
]);
