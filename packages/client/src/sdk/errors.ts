// Every failure the SDK and the CLI report: @stratum/wire's StratumError, with a machine-readable
// code. API errors keep the API's own code (BAD_USER_INPUT, NOT_FOUND, UNAUTHENTICATED, …) and
// message; the transport adds NETWORK_ERROR, HTTP_ERROR, TIMEOUT, ABORTED, and the SDK the
// local CONFIG_ERROR / USAGE codes.

export { StratumError, type StratumErrorDetails } from '@stratum/wire';

/** Codes that mean "the request itself is wrong": the caller must change it, not retry. */
export const INPUT_ERROR_CODES: ReadonlySet<string> = new Set([
  'BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED',
  'QUERY_TOO_DEEP', 'QUERY_TOO_COMPLEX', 'BAD_REQUEST', 'USAGE', 'CONFIG_ERROR', 'INVALID_FILE',
]);
