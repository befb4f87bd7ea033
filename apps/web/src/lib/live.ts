// The live relay's server side: graphql-ws connections from this web server to the API, one per
// API token (each signed-in person's own, or the local-dev server token), shared by that token's
// browser streams — the browser never holds a token. A browser stream asks for a fixed set of
// topics; each becomes a subscription on its token's connection, and its events are written to
// the browser as Server-Sent Events.
import 'server-only';
import crypto from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { webConfig } from './env';

/** Connections by a hash of their token ('' for none); each closes 5 s after its last subscription. */
const clients = new Map<string, Client>();
/** Whether each connection is connected (acknowledged by the API) right now. */
const connected = new WeakMap<Client, boolean>();

/** Close codes after which retrying with the same token cannot help (the API refused the token). */
const REFUSED = new Set([4401, 4403]);

function apiClient(token: string | null): Client {
  const key = token ? crypto.createHash('sha256').update(token).digest('hex') : '';
  const existing = clients.get(key);
  if (existing) return existing;
  const { STRATUM_API_URL } = webConfig();
  const client = createClient({
    url: new URL('/graphql', STRATUM_API_URL.replace(/^http/, 'ws')).toString(),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    // Connects on the first subscription, closes shortly after the last one ends, and reconnects
    // (with backoff) when the API restarts; subscriptions are re-sent on reconnect. A refused
    // token (revoked, say) is not retried: its subscribers get the error and the client is dropped.
    lazy: true,
    lazyCloseTimeout: 5_000,
    retryAttempts: Infinity,
    shouldRetry: (event) => !REFUSED.has((event as { code?: number })?.code ?? 0),
    keepAlive: 20_000,
    on: {
      connected: () => connected.set(client, true),
      closed: (event) => {
        connected.set(client, false);
        if (REFUSED.has((event as { code?: number })?.code ?? 0) && clients.get(key) === client) {
          clients.delete(key);
          void client.dispose();
        }
      },
    },
  });
  clients.set(key, client);
  return client;
}

/** One relayed topic: an SSE event name, the subscription, and what of its payload to send. */
export interface LiveTopic {
  event: string;
  query: string;
  variables?: Record<string, unknown>;
  /** Picks the payload to send from a result's data (null: skip this result). */
  pick(data: Record<string, unknown>): unknown;
}

const encoder = new TextEncoder();

/**
 * A Server-Sent Events stream of the topics' events, subscribed with `token`, until the browser
 * goes away (`signal`).
 * A `ready` event follows each (re)connection to the API once the topics are subscribed: events
 * before it may have been missed (the page was rendered earlier, or the API restarted), so a
 * view catches up once on it — that one read is the only request it makes besides the stream.
 * A comment line every 25 s keeps proxies from closing an idle stream; it is not a request.
 */
export function liveStream(topics: LiveTopic[], token: string | null, signal: AbortSignal): ReadableStream<Uint8Array> {
  const stops: Array<() => void> = [];
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    if (timer) clearInterval(timer);
    for (const unsubscribe of stops.splice(0)) unsubscribe();
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const send = (text: string) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(text));
        } catch {
          open = false;
          stop();
        }
      };
      send('retry: 3000\n: connected\n\n');
      timer = setInterval(() => send(': keep-alive\n\n'), 25_000);
      const client = apiClient(token);
      const ready = () => setTimeout(() => send('event: ready\ndata: {}\n\n'), 0);
      stops.push(client.on('connected', ready));
      for (const topic of topics) {
        stops.push(client.subscribe(
          { query: topic.query, variables: topic.variables ?? {} },
          {
            next: (result) => {
              const payload = result.data ? topic.pick(result.data as Record<string, unknown>) : null;
              if (payload !== null && payload !== undefined) send(`event: ${topic.event}\ndata: ${JSON.stringify(payload)}\n\n`);
              else if (result.errors?.length) send(`event: problem\ndata: ${JSON.stringify({ message: result.errors[0]!.message })}\n\n`);
            },
            error: (error) => send(`event: problem\ndata: ${JSON.stringify({ message: Array.isArray(error) ? String((error[0] as { message?: string })?.message) : (error as Error)?.message ?? 'the live connection to the API failed' })}\n\n`),
            complete: () => undefined,
          },
        ));
      }
      if (connected.get(client)) ready();
      signal.addEventListener('abort', () => {
        open = false;
        stop();
        try {
          controller.close();
        } catch {
          // already closed
        }
      }, { once: true });
    },
    cancel() {
      stop();
    },
  });
}
