// An error from the Stratum API as the dashboard shows it: the API's own message and code.
// Server code throws @stratum/wire's StratumError (as the SDK and the agent do); client islands
// render its plain shape.
import { StratumError } from '@stratum/wire';

export { StratumError };

export interface ApiErrorShape {
  message: string;
  /** The API's extensions.code (BAD_USER_INPUT, NOT_FOUND, …) or a transport code. */
  code: string;
}

/** An error from the Stratum API (or from reaching it): @stratum/wire's StratumError. */
export function isApiError(error: unknown): error is StratumError {
  return error instanceof StratumError;
}

/** A plain { message, code } from anything thrown, for rendering. */
export function describeError(error: unknown): ApiErrorShape {
  if (error instanceof StratumError) return error.toJSON();
  if (error instanceof Error) return { message: error.message, code: 'ERROR' };
  return { message: String(error), code: 'ERROR' };
}

/** The HTTP status a route handler answers for an API error: refusals keep their meaning. */
export function httpStatusOf(error: ApiErrorShape): number {
  switch (error.code) {
    case 'BAD_USER_INPUT': return 400;
    case 'UNAUTHENTICATED': return 401;
    case 'FORBIDDEN': return 403;
    case 'NOT_FOUND': return 404;
    default: return 502;
  }
}
