// The API's error classes: one code each, surfaced as extensions.code.
import { GraphQLError } from 'graphql';

function coded(code: string, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extensions } });
}

export class BadInputError extends GraphQLError {
  constructor(message: string, field?: string) {
    super(message, { extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) } });
  }
}
export class NotFoundError extends GraphQLError {
  constructor(what: string, id: string) {
    super(`${what} ${id} not found`, { extensions: { code: 'NOT_FOUND' } });
  }
}
export class ConflictError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: 'CONFLICT' } });
  }
}
export class ForbiddenError extends GraphQLError {
  constructor(message = 'this token is not allowed to do that') {
    super(message, { extensions: { code: 'FORBIDDEN' } });
  }
}
export class UnauthenticatedError extends GraphQLError {
  constructor(message = 'a valid API token is required (Authorization: Bearer stm_…)') {
    super(message, { extensions: { code: 'UNAUTHENTICATED' } });
  }
}
/** The caller's lease on a job is gone (expired, reclaimed, or a stale fencing token). */
export class LeaseLostError extends GraphQLError {
  constructor(jobId: string, detail: string) {
    super(`lease lost on job ${jobId}: ${detail}`, { extensions: { code: 'LEASE_LOST' } });
  }
}

export { coded };
