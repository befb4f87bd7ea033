'use client';
// The browser side of the live relay: one EventSource per /api/live URL, shared by every island
// on the page that listens to it (closed when the last one unmounts). Updates are pushed; nothing
// is polled. EventSource reconnects by itself after a dropped stream (the server asks 3 s).
import { useEffect, useRef } from 'react';

interface Shared {
  source: EventSource;
  users: number;
}

const sources = new Map<string, Shared>();

function acquire(url: string): EventSource {
  let shared = sources.get(url);
  if (!shared) {
    shared = { source: new EventSource(url), users: 0 };
    sources.set(url, shared);
  }
  shared.users++;
  return shared.source;
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
  latest.current = handlers;
  const events = Object.keys(handlers).sort().join(',');
  useEffect(() => {
    if (query === null) return;
    const url = `/api/live?${query}`;
    const source = acquire(url);
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
    return () => {
      for (const [event, listener] of listeners) source.removeEventListener(event, listener as EventListener);
      release(url);
    };
  }, [query, events]);
}
