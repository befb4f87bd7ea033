// Server-side GraphQL: typed documents POSTed to the API through @stratum/wire (the transport the
// SDK and the agent use) with the token of the person this request acts for (see session.ts).
// Failures are StratumErrors carrying the API's message and code. No retries: a page render
// shows the error rather than hold the request.
import 'server-only';
import { graphqlEndpoint, hasCode, postGraphQL, StratumError, type TypedOperation } from '@stratum/wire';
import { webConfig } from './env';
import { caller } from './session';

type VariablesArg<V> = [V] extends [Record<string, never>] ? [variables?: V] : [variables: V];

/** Run one operation as this request's caller. */
export async function gql<TResult, TVariables>(
  document: TypedOperation<TResult, TVariables>,
  ...[variables]: VariablesArg<TVariables>
): Promise<TResult> {
  return gqlAs((await caller()).token, document, ...([variables] as VariablesArg<TVariables>));
}

/** Run one operation with the given token (sign-in checks a token before it is kept). */
export async function gqlAs<TResult, TVariables>(
  token: string | null,
  document: TypedOperation<TResult, TVariables>,
  ...[variables]: VariablesArg<TVariables>
): Promise<TResult> {
  const config = webConfig();
  try {
    const request = { query: document.toString(), variables: withoutNulls(variables ?? {}) };
    return (await postGraphQL(graphqlEndpoint(config.STRATUM_API_URL), request, {
      token, timeoutMs: config.STRATUM_API_TIMEOUT_MS, init: { cache: 'no-store' },
    })) as TResult;
  } catch (error) {
    if (hasCode(error, 'NETWORK_ERROR', 'TIMEOUT')) {
      throw new StratumError(error.code, `${error.message}; is it running and is STRATUM_API_URL right?`, { cause: error });
    }
    throw error;
  }
}

/** Leaves out null variables: an omitted argument takes its default, while an explicit null may
 * be read as a value ("project = NULL") by the API. */
function withoutNulls(variables: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(variables).filter(([, v]) => v !== null && v !== undefined));
}
