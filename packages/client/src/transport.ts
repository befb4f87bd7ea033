// HTTP transport for GraphQL operations: POST (Apollo's CSRF guard wants it), bearer token, a
// timeout per attempt, and retries with exponential backoff and full jitter — but only for
// idempotent operations (queries, and the mutations the API documents as idempotent), and only
// on failures that say nothing about the request itself (network errors, 502/503/504, timeouts).
import { print, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { StratumError } from './errors.js';

export interface RetryPolicy {
  /** Retries after the first attempt (0 disables retrying). Default 4. */
  retries: number;
  /** First backoff ceiling in ms; doubles per retry. Default 250. */
  baseDelayMs: number;
  /** Cap on one backoff in ms. Default 8000. */
  maxDelayMs: number;
}

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

interface GraphQLResponseBody {
  data?: unknown;
  errors?: Array<{ message?: string; path?: Array<string | number>; extensions?: Record<string, unknown> }>;
}

const DEFAULT_RETRY: RetryPolicy = { retries: 4, baseDelayMs: 250, maxDelayMs: 8000 };

/** The GraphQL endpoint for a base URL: `${url}/graphql` unless it already ends that way. */
export function graphqlEndpoint(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return /\/graphql$/.test(trimmed) ? trimmed : `${trimmed}/graphql`;
}

/** Full-jitter backoff: uniform in [0, min(max, base · 2^attempt)] (attempt counts from 0). */
export function backoffDelay(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(random() * ceiling);
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

function networkError(error: unknown, endpoint: string): StratumError {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error as Error).message;
  return new StratumError('NETWORK_ERROR', `cannot reach the Stratum API at ${endpoint} (${detail})`, { cause: error });
}

export class Transport {
  readonly endpoint: string;
  private readonly token: string | null;
  private readonly retry: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly idempotentMutations: Set<string>;
  private readonly fetchImpl: typeof globalThis.fetch;
  private readonly random: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly onRetry: TransportOptions['onRetry'];
  private readonly printed = new WeakMap<DocumentNode, string>();

  constructor(options: TransportOptions) {
    this.endpoint = graphqlEndpoint(options.url);
    this.token = options.token ?? null;
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.idempotentMutations = new Set(options.idempotentMutations ?? []);
    this.fetchImpl = options.fetch ?? globalThis.fetch;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.onRetry = options.onRetry;
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
    const retries = this.isIdempotent(document) ? this.retry.retries : 0;
    let query = this.printed.get(document);
    if (query === undefined) {
      query = print(document);
      this.printed.set(document, query);
    }
    const body = JSON.stringify({ query, variables: variables ?? {}, operationName: operation.name?.value });
    for (let attempt = 0; ; attempt++) {
      try {
        return (await this.attempt(body, options.signal)) as TResult;
      } catch (error) {
        const failure = error instanceof StratumError ? error : new StratumError('NETWORK_ERROR', (error as Error).message, { cause: error });
        if (!failure.transient || attempt >= retries || options.signal?.aborted) throw failure;
        const delayMs = backoffDelay(attempt, this.retry, this.random);
        this.onRetry?.({ operation: name, attempt: attempt + 1, delayMs, error: failure });
        await this.sleep(delayMs);
      }
    }
  }

  private async attempt(body: string, signal: AbortSignal | undefined): Promise<unknown> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await this.fetchImpl(this.endpoint, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/graphql-response+json, application/json',
          ...(this.token ? { authorization: `Bearer ${this.token}` } : {}),
        },
        body,
        signal: combined,
      });
    } catch (error) {
      if (signal?.aborted) throw new StratumError('ABORTED', 'the request was cancelled', { cause: error });
      if (timeout.aborted) throw new StratumError('TIMEOUT', `no answer from ${this.endpoint} within ${this.timeoutMs} ms`, { cause: error });
      throw networkError(error, this.endpoint);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      if (timeout.aborted) throw new StratumError('TIMEOUT', `the answer from ${this.endpoint} did not finish within ${this.timeoutMs} ms`, { cause: error });
      throw networkError(error, this.endpoint);
    }
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
      const snippet = text.slice(0, 200).replace(/\s+/g, ' ');
      throw new StratumError('HTTP_ERROR', `unexpected answer from ${this.endpoint}: HTTP ${response.status}${snippet ? ` — ${snippet}` : ''}`, { status: response.status });
    }
    return parsed.data;
  }
}
