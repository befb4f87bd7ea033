// Server-side GraphQL: typed documents POSTed to the API with the token of the person this
// request acts for (see session.ts). Always POST — the API keeps Apollo's CSRF guard, which
// refuses GET queries without a preflight header.
import 'server-only';
import type { TypedDocumentString } from '@/generated/gql/graphql';
import { ApiError } from './api-error';
import { webConfig } from './env';
import { caller } from './session';

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; path?: Array<string | number>; extensions?: { code?: string } }>;
}

type VariablesArg<V> = [V] extends [Record<string, never>] ? [variables?: V] : [variables: V];

/** Run one operation as this request's caller; throws ApiError carrying the API's message and code on any failure. */
export async function gql<TResult, TVariables>(
  document: TypedDocumentString<TResult, TVariables>,
  ...[variables]: VariablesArg<TVariables>
): Promise<TResult> {
  return gqlAs((await caller()).token, document, ...([variables] as VariablesArg<TVariables>));
}

/** Run one operation with the given token (sign-in checks a token before it is kept). */
export async function gqlAs<TResult, TVariables>(
  token: string | null,
  document: TypedDocumentString<TResult, TVariables>,
  ...[variables]: VariablesArg<TVariables>
): Promise<TResult> {
  const body = await postOperation<TResult>(token, document.toString(), withoutNulls(variables ?? {}));
  if (body.errors?.length) {
    const [first] = body.errors;
    const more = body.errors.length > 1 ? ` (and ${body.errors.length - 1} more)` : '';
    throw new ApiError(`${first?.message ?? 'unknown error'}${more}`, first?.extensions?.code ?? 'GRAPHQL_ERROR');
  }
  if (!body.data) throw new ApiError('the API returned no data', 'NO_DATA');
  return body.data;
}

/** The raw POST. */
async function postOperation<T>(token: string | null, query: string, variables: unknown): Promise<GraphQLResponse<T>> {
  const config = webConfig();
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(`${config.STRATUM_API_URL}/graphql`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query, variables }),
      cache: 'no-store',
      signal: AbortSignal.timeout(config.STRATUM_API_TIMEOUT_MS),
    });
  } catch (error) {
    const reason = (error as Error).name === 'TimeoutError' ? `no answer within ${config.STRATUM_API_TIMEOUT_MS} ms` : (error as Error).message;
    throw new ApiError(`cannot reach the Stratum API at ${config.STRATUM_API_URL} (${reason}); is it running and is STRATUM_API_URL right?`, 'API_UNREACHABLE');
  }
  const text = await response.text();
  let body: GraphQLResponse<T>;
  try {
    body = JSON.parse(text) as GraphQLResponse<T>;
  } catch {
    throw new ApiError(`the API answered HTTP ${response.status} without GraphQL JSON: ${text.slice(0, 200)}`, 'BAD_RESPONSE', response.status);
  }
  if (!response.ok && !body.errors?.length) {
    throw new ApiError(`the API answered HTTP ${response.status}`, 'HTTP_' + response.status, response.status);
  }
  return body;
}

/** Leaves out null variables: an omitted argument takes its default, while an explicit null may
 * be read as a value ("project = NULL") by the API. */
function withoutNulls(variables: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(variables).filter(([, v]) => v !== null && v !== undefined));
}
