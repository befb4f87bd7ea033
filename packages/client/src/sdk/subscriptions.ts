// Subscriptions over graphql-ws on the API's /graphql endpoint (loaded on first use: most
// commands never subscribe), and the sweep watcher built on them, which falls back to polling.
import { print } from 'graphql';
import type { Client as WsClient } from 'graphql-ws';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { StratumError } from './errors.js';
import type { RunStatusEvent, StratumClient, SweepStatus, SweepSummary } from './client.js';
import { RunStatusChangedDocument } from '../generated/graphql.js';

export interface WatchOptions {
  /** Poll interval in ms (default 2000); a status event over graphql-ws wakes the loop earlier. */
  intervalMs?: number;
  /** Listen to runStatusChanged to refresh as soon as a run changes (default true). */
  subscribe?: boolean;
  signal?: AbortSignal;
}

/** Whether every run of the sweep has finished (succeeded, failed or cancelled). */
export function sweepFinished(counts: SweepSummary['statusCounts']): boolean {
  return counts.queued === 0 && counts.running === 0;
}

/** The graphql-ws client for a GraphQL endpoint (http(s) → ws(s)), with the token as a connection parameter. */
export function openSocket(endpoint: string, token: string | null): Promise<WsClient> {
  return Promise.all([import('graphql-ws'), import('ws')]).then(([{ createClient: createWsClient }, { default: WebSocket }]) => createWsClient({
    url: endpoint.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    lazy: true,
    retryAttempts: 5,
    shouldRetry: () => true,
  }));
}

/** The body of StratumClient.subscribe: `socket` is asked for on the first next(). */
export async function* subscribeOver<TResult, TVariables>(socket: () => Promise<WsClient>, document: TypedDocumentNode<TResult, TVariables>, variables: TVariables): AsyncGenerator<TResult, void, undefined> {
  const iterator = (await socket()).iterate<TResult>({ query: print(document), variables: (variables ?? {}) as Record<string, unknown> });
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

/** The body of StratumClient.listen: the returned unsubscribe function takes effect at once. */
export function listenOver<TResult, TVariables>(socket: () => Promise<WsClient>, document: TypedDocumentNode<TResult, TVariables>, variables: TVariables, handlers: { next(data: TResult): void; error?(error: StratumError): void }): () => void {
  let stopped = false;
  let cancel: (() => void) | undefined;
  socket().then((ws) => {
    if (stopped) return;
    cancel = ws.subscribe<TResult>(
      { query: print(document), variables: (variables ?? {}) as Record<string, unknown> },
      {
        next: (result) => {
          if (result.errors?.length) handlers.error?.(subscriptionError(result.errors));
          else if (result.data) handlers.next(result.data);
        },
        error: (error) => handlers.error?.(subscriptionError(error)),
        complete: () => undefined,
      },
    );
  }, (error: unknown) => handlers.error?.(subscriptionError(error)));
  return () => {
    stopped = true;
    cancel?.();
  };
}

/** The body of StratumClient.runStatusChanges. */
export function runStatusEvents(client: Pick<StratumClient, 'subscribe'>, args: { sweepId?: string; runId?: string }): AsyncGenerator<RunStatusEvent, void, undefined> {
  const generator = client.subscribe(RunStatusChangedDocument, { ...(args.sweepId !== undefined ? { sweepId: args.sweepId } : {}), ...(args.runId !== undefined ? { runId: args.runId } : {}) });
  return (async function* () {
    for await (const data of generator) yield data.runStatusChanged;
  })();
}

/** The body of StratumClient.watchSweep. */
export async function* watchSweepStatus(client: Pick<StratumClient, 'listen' | 'sweepStatus'>, id: string, options: WatchOptions): AsyncGenerator<SweepStatus, void, undefined> {
  const intervalMs = options.intervalMs ?? 2000;
  const wake = new Wakeup();
  const abort = () => wake.fire();
  options.signal?.addEventListener('abort', abort);
  // Subscription trouble (a proxy without websockets, an older server) is ignored: polling
  // carries on alone.
  const unsubscribe = options.subscribe === false
    ? () => undefined
    : client.listen(RunStatusChangedDocument, { sweepId: id }, { next: () => wake.fire(), error: () => undefined });
  try {
    for (;;) {
      const status = await client.sweepStatus(id, options.signal ? { signal: options.signal } : {});
      yield status;
      if (sweepFinished(status.statusCounts) || options.signal?.aborted) return;
      await wake.wait(intervalMs);
    }
  } finally {
    options.signal?.removeEventListener('abort', abort);
    unsubscribe();
  }
}

/** A resettable "something changed" signal with a timeout. */
class Wakeup {
  private resolve: (() => void) | undefined;
  private pending = false;

  fire(): void {
    if (this.resolve) {
      const resolve = this.resolve;
      this.resolve = undefined;
      resolve();
    } else {
      this.pending = true;
    }
  }

  wait(ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.resolve = undefined;
        resolve();
      }, ms);
      this.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
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
