// The SDK's transport: typed graphql-js documents over @stratum/wire (POST, bearer token, a
// timeout per attempt, full-jitter backoff), retried only when the operation is idempotent
// (queries, and the mutations the API documents as idempotent) and the failure says nothing
// about the request itself (network errors, 502/503/504, timeouts).
import { print, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { DEFAULT_RETRY, graphqlEndpoint, postGraphQL, StratumError, withRetry, type RetryPolicy } from '@stratum/wire';

export { backoffDelay, graphqlEndpoint, type RetryPolicy } from '@stratum/wire';

export interface TransportOptions {
  /** The API's base URL (http://host:4000) or its GraphQL endpoint (…/graphql). */
  url: string;
  token?: string | null;
  retry?: Partial<RetryPolicy>;
  /** Per-attempt timeout in ms. Default 60,000. */
  timeoutMs?: number;
  /** Mutations that are safe to repeat (the API documents them as idempotent). */
  idempotentMutations?: Iterable<string>;
  /** For tests: a fetch implementation, a random source and a sleep. */
  fetch?: typeof globalThis.fetch;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each retry (the CLI prints it in verbose mode). */
  onRetry?: (info: { operation: string; attempt: number; delayMs: number; error: StratumError }) => void;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

function operationOf(document: DocumentNode): OperationDefinitionNode {
  const operation = document.definitions.find((definition): definition is OperationDefinitionNode => definition.kind === 'OperationDefinition');
  if (!operation) throw new StratumError('USAGE', 'the document has no operation');
  return operation;
}

/** The root field a mutation calls (for the idempotency allowlist). */
function rootFields(operation: OperationDefinitionNode): string[] {
  return operation.selectionSet.selections.flatMap((selection) => (selection.kind === 'Field' ? [selection.name.value] : []));
}

export class Transport {
  readonly endpoint: string;
  private readonly options: TransportOptions;
  private readonly retry: RetryPolicy;
  private readonly idempotentMutations: Set<string>;
  private readonly printed = new WeakMap<DocumentNode, string>();

  constructor(options: TransportOptions) {
    this.endpoint = graphqlEndpoint(options.url);
    this.options = options;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.idempotentMutations = new Set(options.idempotentMutations ?? []);
  }

  /** Whether a failed attempt of this document may be repeated. */
  isIdempotent(document: DocumentNode): boolean {
    const operation = operationOf(document);
    if (operation.operation === 'query') return true;
    if (operation.operation !== 'mutation') return false;
    const fields = rootFields(operation);
    return fields.length > 0 && fields.every((field) => this.idempotentMutations.has(field));
  }

  async request<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables, options: RequestOptions = {}): Promise<TResult> {
    const operation = operationOf(document);
    const name = operation.name?.value ?? operation.operation;
    let query = this.printed.get(document);
    if (query === undefined) {
      query = print(document);
      this.printed.set(document, query);
    }
    const request = { query, variables: variables ?? {}, ...(operation.name ? { operationName: operation.name.value } : {}) };
    const { token, timeoutMs, fetch, random, sleep, onRetry } = this.options;
    const send = { token: token ?? null, timeoutMs: timeoutMs ?? 60_000, ...(fetch ? { fetch } : {}), ...(options.signal ? { signal: options.signal } : {}) };
    return (await withRetry(() => postGraphQL(this.endpoint, request, send), {
      ...this.retry,
      retries: this.isIdempotent(document) ? this.retry.retries : 0,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(random ? { random } : {}),
      ...(sleep ? { sleep: (ms: number) => sleep(ms) } : {}),
      ...(onRetry ? { onRetry: (info) => onRetry({ operation: name, ...info }) } : {}),
    })) as TResult;
  }
}
