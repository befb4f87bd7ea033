// An error from the Stratum API as the dashboard shows it: the API's own message and code.
// Shared by server code (which throws it) and client islands (which render it).

export interface ApiErrorShape {
  message: string;
  /** The API's extensions.code (BAD_USER_INPUT, NOT_FOUND, …) or a transport code. */
  code: string;
}

export class ApiError extends Error implements ApiErrorShape {
  readonly code: string;
  readonly status: number | undefined;

  constructor(message: string, code: string, status?: number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
  }

  toJSON(): ApiErrorShape {
    return { message: this.message, code: this.code };
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** A plain { message, code } from anything thrown, for rendering. */
export function describeError(error: unknown): ApiErrorShape {
  if (error instanceof ApiError) return error.toJSON();
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
