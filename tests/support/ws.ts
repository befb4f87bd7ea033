// A graphql-ws client for tests: one subscription on its own socket, its messages collected, and
// a promise for the first outcome (a result, an error, or the socket closing).
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';

export type Outcome =
  | { kind: 'next'; data: Record<string, unknown> | null | undefined; errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }> }
  | { kind: 'error'; errors: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }> }
  | { kind: 'closed'; code: number; reason: string }
  | { kind: 'complete' };

export interface Subscription {
  client: Client;
  /** Every outcome so far, oldest first. */
  outcomes: Outcome[];
  /** Resolves with the next outcome after `after` outcomes (default: the first), or null after `timeoutMs`. */
  next(timeoutMs: number, after?: number): Promise<Outcome | null>;
  /** Resolves once the server acknowledged the connection (or it failed). */
  connected: Promise<void>;
  close(): Promise<void>;
}

export function subscribe(httpUrl: string, token: string | null, query: string, variables: Record<string, unknown> = {}): Subscription {
  const outcomes: Outcome[] = [];
  const waiters = new Set<() => void>();
  const push = (outcome: Outcome) => {
    outcomes.push(outcome);
    for (const wake of waiters) wake();
  };
  let markConnected!: () => void;
  const connected = new Promise<void>((resolve) => (markConnected = resolve));
  const client = createClient({
    url: httpUrl.replace(/^http/, 'ws') + '/graphql',
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    lazy: false,
    on: {
      connected: () => markConnected(),
      closed: (event) => {
        markConnected();
        const { code, reason } = event as { code: number; reason: string };
        push({ kind: 'closed', code, reason: String(reason) });
      },
    },
    onNonLazyError: () => undefined,
  });
  client.subscribe(
    { query, variables },
    {
      next: (value) => push({ kind: 'next', data: value.data as Record<string, unknown> | null | undefined, ...(value.errors ? { errors: value.errors as Array<{ message: string; extensions?: Record<string, unknown> }> } : {}) }),
      error: (error) => {
        if (Array.isArray(error)) push({ kind: 'error', errors: error as Array<{ message: string; extensions?: Record<string, unknown> }> });
        else if (error && typeof error === 'object' && 'code' in error && 'reason' in error) push({ kind: 'closed', code: Number((error as { code: unknown }).code), reason: String((error as { reason: unknown }).reason) });
        else push({ kind: 'error', errors: [{ message: (error as Error)?.message ?? String(error) }] });
      },
      complete: () => push({ kind: 'complete' }),
    },
  );
  return {
    client,
    outcomes,
    connected,
    next: (timeoutMs, after = 0) =>
      new Promise((resolve) => {
        if (outcomes.length > after) return resolve(outcomes[after] as Outcome);
        const timer = setTimeout(() => {
          waiters.delete(wake);
          resolve(null);
        }, timeoutMs);
        const wake = () => {
          if (outcomes.length <= after) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(outcomes[after] as Outcome);
        };
        waiters.add(wake);
      }),
    close: async () => {
      await client.dispose();
    },
  };
}
