// One request to the API: a bearer token, a timeout per attempt, and every way it can fail
// mapped onto StratumError — connection failures (NETWORK_ERROR), no answer in time (TIMEOUT)
// and the caller's cancellation (ABORTED).
import { StratumError } from './error.js';
import { abortedError } from './retry.js';

export interface SendOptions {
  token?: string | null;
  /** Limit on this attempt (connect, answer and body), in ms. */
  timeoutMs: number;
  signal?: AbortSignal;
  /** For tests, or a framework's own fetch. */
  fetch?: typeof globalThis.fetch;
}

/** An answer whose body is still to be read; `failure` names what went wrong while reading it. */
export interface OpenResponse {
  response: Response;
  failure: (error: unknown, phase: 'answer' | 'body') => StratumError;
}

/** The GraphQL endpoint for a base URL: `${url}/graphql` unless it already ends that way. */
export function graphqlEndpoint(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return /\/graphql$/.test(trimmed) ? trimmed : `${trimmed}/graphql`;
}

/** Sends a request; the timeout covers the answer and the reading of its body. */
export async function open(url: string, init: RequestInit, options: SendOptions): Promise<OpenResponse> {
  if (options.signal?.aborted) throw abortedError();
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const headers = new Headers(init.headers);
  if (options.token) headers.set('authorization', `Bearer ${options.token}`);
  const failure = (error: unknown, phase: 'answer' | 'body'): StratumError => {
    if (options.signal?.aborted) return abortedError(error);
    if (timeout.aborted) {
      const what = phase === 'answer' ? `no answer from ${url}` : `the answer from ${url} did not finish`;
      return new StratumError('TIMEOUT', `${what} within ${options.timeoutMs} ms`, { cause: error });
    }
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const detail = cause?.code ?? cause?.message ?? (error as Error).message;
    return new StratumError('NETWORK_ERROR', `cannot reach the Stratum API at ${url} (${detail})`, { cause: error });
  };
  try {
    return { response: await (options.fetch ?? globalThis.fetch)(url, { ...init, headers, signal }), failure };
  } catch (error) {
    throw failure(error, 'answer');
  }
}

/** A request and its whole body, read as text within the same timeout. */
export async function send(url: string, init: RequestInit, options: SendOptions): Promise<{ response: Response; text: string }> {
  const { response, failure } = await open(url, init, options);
  try {
    return { response, text: await response.text() };
  } catch (error) {
    throw failure(error, 'body');
  }
}
