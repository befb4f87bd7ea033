// The typed SDK: createClient({ url, token }) → a client whose methods are the API's operations,
// typed from the generated documents. Queries and the API's idempotent mutations retry on
// network failures; every failure is a StratumError carrying the API's code.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
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
    // (subscriptions are added below; nothing to release yet)
  }

  /** The caller as the API sees the token: role, label. */
  async viewer(options?: RequestOptions): Promise<Viewer> {
    return (await this.request(ViewerDocument, {}, options)).viewer;
  }
}

export function createClient(options: ClientOptions): StratumClient {
  return new StratumClient(options);
}
