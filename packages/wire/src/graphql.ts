// GraphQL over POST (Apollo's CSRF guard refuses GET without a preflight header): one attempt,
// its answer read as the data or as a StratumError carrying the API's code, message, path and
// extensions. Retrying is the caller's choice (retry.ts).
import { StratumError } from './error.js';
import { send, type SendOptions } from './http.js';

/**
 * A typed operation: a generated document (graphql-codegen's TypedDocumentString in string mode)
 * or anything whose `toString()` is the query text. The result and variable types ride along.
 */
export interface TypedOperation<TResult, TVariables> {
  toString(): string;
  __apiType?: (variables: TVariables) => TResult;
}

export interface GraphQLRequest {
  /** The query text. */
  query: string;
  variables?: unknown;
  operationName?: string;
}

interface GraphQLResponseBody {
  data?: unknown;
  errors?: Array<{ message?: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

/** POSTs one operation to `endpoint` (the /graphql URL) and returns its `data`. */
export async function postGraphQL(endpoint: string, request: GraphQLRequest, options: SendOptions & { init?: RequestInit }): Promise<unknown> {
  const { response, text } = await send(endpoint, {
    ...options.init,
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json' },
    body: JSON.stringify({ query: request.query, variables: request.variables ?? {}, operationName: request.operationName }),
  }, options);
  let parsed: GraphQLResponseBody | undefined;
  try {
    parsed = JSON.parse(text) as GraphQLResponseBody;
  } catch {
    parsed = undefined;
  }
  if (parsed?.errors?.length) {
    const errors = parsed.errors.map((e) => ({ message: e.message ?? 'unknown error', code: String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR') }));
    const first = parsed.errors[0] ?? {};
    const { code: _code, ...extensions } = first.extensions ?? {};
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more: ${errors.slice(1).map((e) => e.message).join('; ')})` : '';
    throw new StratumError(errors[0]?.code ?? 'INTERNAL_SERVER_ERROR', (errors[0]?.message ?? 'unknown error') + more, {
      ...(first.path ? { path: first.path } : {}), extensions, status: response.status, errors,
    });
  }
  if (!response.ok || parsed === undefined || parsed.data === undefined || parsed.data === null) {
    throw httpError(endpoint, response.status, text);
  }
  return parsed.data;
}

/** An answer that is not what was asked for: HTTP_ERROR with its status and the start of its body. */
export function httpError(url: string, status: number, text: string): StratumError {
  const snippet = text.slice(0, 200).replace(/\s+/g, ' ').trim();
  return new StratumError('HTTP_ERROR', `unexpected answer from ${url}: HTTP ${status}${snippet ? ` — ${snippet}` : ''}`, { status });
}
