// Subscriptions' event bus on PostgreSQL LISTEN/NOTIFY, so that every API replica delivers every
// event (no other broker). Each process keeps one listening connection and fans events out to
// its local subscribers; publish goes through pg_notify and so reaches all replicas, this one too.
import { EventEmitter, on } from 'node:events';
import pg from 'pg';
import type { PubSub } from 'type-graphql';
import type { Logger } from '../logger.js';

const CHANNEL = 'stratum_events';
/** NOTIFY payloads are limited to 8000 bytes; events carry ids and small summaries only. */
const MAX_PAYLOAD = 7900;

export class PostgresPubSub implements PubSub {
  private readonly local = new EventEmitter();
  private listener: pg.Client | undefined;
  private closed = false;

  constructor(private readonly url: string, private readonly pool: pg.Pool, private readonly log: Logger) {
    this.local.setMaxListeners(0);
  }

  async start(): Promise<void> {
    await this.connect();
  }

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.url });
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL || !message.payload) return;
      try {
        const { topic, payload } = JSON.parse(message.payload) as { topic: string; payload: unknown };
        this.local.emit(topic, payload);
      } catch (error) {
        this.log.warn({ err: error }, 'dropped a malformed event');
      }
    });
    client.on('error', (error) => {
      this.log.warn({ err: error }, 'event listener connection lost; reconnecting');
      this.reconnectSoon();
    });
    await client.connect();
    await client.query(`LISTEN ${CHANNEL}`);
    this.listener = client;
  }

  private reconnectSoon(): void {
    this.listener = undefined;
    if (this.closed) return;
    setTimeout(() => {
      if (this.closed) return;
      this.connect().catch(() => this.reconnectSoon());
    }, 1000).unref();
  }

  publish(topic: string, ...args: unknown[]): void {
    const body = JSON.stringify({ topic, payload: args[0] ?? null });
    if (body.length > MAX_PAYLOAD) {
      this.log.warn({ topic, bytes: body.length }, 'event too large for NOTIFY; delivered locally only');
      this.local.emit(topic, args[0] ?? null);
      return;
    }
    this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, body]).catch((error: unknown) => {
      this.log.warn({ err: error, topic }, 'could not publish event');
    });
  }

  subscribe(topic: string, dynamicId?: unknown): AsyncIterable<unknown> {
    const name = dynamicId === undefined ? topic : `${topic}:${String(dynamicId)}`;
    const controller = new AbortController();
    const events = on(this.local, name, { signal: controller.signal });
    return {
      [Symbol.asyncIterator]() {
        return {
          async next() {
            try {
              const result = await events.next();
              return result.done ? result : { value: (result.value as unknown[])[0], done: false };
            } catch (error) {
              if ((error as Error).name === 'AbortError') return { value: undefined, done: true };
              throw error;
            }
          },
          async return() {
            controller.abort();
            return { value: undefined, done: true };
          },
        };
      },
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.listener?.end().catch(() => undefined);
  }
}

/** Topic names, with the dynamic part where a subscription filters by id. */
export const Topics = {
  runStatus: 'RUN_STATUS',
  runMetrics: (runId: string) => `RUN_METRICS:${runId}`,
  queue: 'QUEUE',
  agentHeartbeat: 'AGENT_HEARTBEAT',
} as const;
