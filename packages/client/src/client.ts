// The typed SDK: createClient({ url, token }) → a client whose methods are the API's operations,
// typed from the generated documents. Queries and the API's idempotent mutations retry on
// network failures; every failure is a StratumError carrying the API's code.
import { print } from 'graphql';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { StratumError } from './errors.js';
import { Transport, type RequestOptions, type TransportOptions } from './transport.js';
import { ViewerDocument, type ViewerQuery } from './generated/graphql.js';

/** Mutations the API documents as idempotent: repeating one after a lost answer changes nothing. */
export const IDEMPOTENT_MUTATIONS: readonly string[] = [];

export interface ClientOptions extends Omit<TransportOptions, 'idempotentMutations'> {
  url: string;
  token?: string | null;
}

export type Viewer = ViewerQuery['viewer'];

export class StratumClient {
  readonly transport: Transport;
  readonly url: string;
  readonly token: string | null;
  private ws: WsClient | undefined;

  constructor(options: ClientOptions) {
    this.url = options.url;
    this.token = options.token ?? null;
    this.transport = new Transport({ ...options, idempotentMutations: IDEMPOTENT_MUTATIONS });
  }

  /** Runs any typed document (generated, or your own via graphql-codegen) against the API. */
  request<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables, options?: RequestOptions): Promise<TResult> {
    return this.transport.request(document, variables, options);
  }

  /** Releases the subscription socket, if one was opened. */
  async close(): Promise<void> {
    const ws = this.ws;
    this.ws = undefined;
    await ws?.dispose();
  }

  /**
   * Follows a subscription over graphql-ws on the same /graphql endpoint. The iterator ends when
   * the server completes it; `return()` (or breaking out of for-await) unsubscribes. Errors are
   * StratumErrors with the API's code.
   */
  async *subscribe<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables): AsyncGenerator<TResult, void, undefined> {
    this.ws ??= createWsClient({
      url: this.transport.endpoint.replace(/^http/, 'ws'),
      webSocketImpl: WebSocket,
      connectionParams: this.token ? { authorization: `Bearer ${this.token}` } : {},
      lazy: true,
      retryAttempts: 5,
      shouldRetry: () => true,
    });
    const iterator = this.ws.iterate<TResult>({ query: print(document), variables: (variables ?? {}) as Record<string, unknown> });
    try {
      for await (const result of iterator) {
        if (result.errors?.length) throw subscriptionError(result.errors);
        if (result.data) yield result.data;
      }
    } catch (error) {
      throw subscriptionError(error);
    } finally {
      await iterator.return?.();
    }
  }

  /** The caller as the API sees the token: role, label. */
  async viewer(options?: RequestOptions): Promise<Viewer> {
    return (await this.request(ViewerDocument, {}, options)).viewer;
  }
}

export function createClient(options: ClientOptions): StratumClient {
  return new StratumClient(options);
}

/** graphql-ws reports GraphQL errors as an array and socket trouble as a close event. */
function subscriptionError(error: unknown): StratumError {
  if (error instanceof StratumError) return error;
  if (Array.isArray(error) && error.length > 0) {
    const errors = error.map((e: { message?: string; extensions?: { code?: unknown } }) => ({ message: e.message ?? 'subscription error', code: String(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR') }));
    return new StratumError(errors[0]?.code ?? 'INTERNAL_SERVER_ERROR', errors[0]?.message ?? 'subscription error', { errors });
  }
  const close = error as { code?: number; reason?: string } | null;
  if (close && typeof close.code === 'number') {
    const code = close.code === 4401 || close.code === 4403 ? 'UNAUTHENTICATED' : 'NETWORK_ERROR';
    return new StratumError(code, `subscription closed (${close.code}${close.reason ? `: ${close.reason}` : ''})`);
  }
  return new StratumError('NETWORK_ERROR', (error as Error)?.message ?? String(error), { cause: error });
}
