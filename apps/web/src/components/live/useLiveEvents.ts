'use client';
// The browser side of the live relay: one EventSource per /api/live URL, shared by every island
// on the page that listens to it (closed when the last one unmounts). Updates are pushed; nothing
// is polled. EventSource reconnects by itself after a dropped stream (the server asks 3 s).
// The server sends `ready` once its subscriptions are in place (after each reconnection too);
// an island that mounts after that (a chart hydrating later than the progress line) is told at
// once, so it can catch up on what was pushed before it listened.
import { useEffect, useRef } from 'react';

interface Shared {
  source: EventSource;
  users: number;
  /** Whether the current connection has sent `ready`. */
  ready: boolean;
}

const sources = new Map<string, Shared>();

function acquire(url: string): Shared {
  let shared = sources.get(url);
  if (!shared) {
    const created: Shared = { source: new EventSource(url), users: 0, ready: false };
    created.source.addEventListener('ready', () => (created.ready = true));
    created.source.addEventListener('error', () => (created.ready = false));
    shared = created;
    sources.set(url, shared);
  }
  shared.users++;
  return shared;
}

function release(url: string): void {
  const shared = sources.get(url);
  if (!shared || --shared.users > 0) return;
  shared.source.close();
  sources.delete(url);
}

/** Calls handlers[event](data) for each pushed event of /api/live?<query>; null query = off. */
export function useLiveEvents(query: string | null, handlers: Record<string, (data: unknown) => void>): void {
  const latest = useRef(handlers);
  useEffect(() => {
    latest.current = handlers;
  });
  const events = Object.keys(handlers).sort().join(',');
  useEffect(() => {
    if (query === null) return;
    const url = `/api/live?${query}`;
    const shared = acquire(url);
    const { source } = shared;
    const listeners = events.split(',').filter(Boolean).map((event) => {
      const listener = (message: MessageEvent<string>) => {
        let data: unknown;
        try {
          data = JSON.parse(message.data);
        } catch {
          return;
        }
        latest.current[event]?.(data);
      };
      source.addEventListener(event, listener as EventListener);
      return [event, listener] as const;
    });
    if (shared.ready && events.split(',').includes('ready')) queueMicrotask(() => latest.current.ready?.({}));
    return () => {
      for (const [event, listener] of listeners) source.removeEventListener(event, listener as EventListener);
      release(url);
    };
  }, [query, events]);
}
