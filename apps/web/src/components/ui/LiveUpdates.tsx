'use client';
// "Live" mode for server-rendered views: the API's events are pushed to the browser (through
// /api/live, which holds the token) and an event re-renders the page's server components
// (router.refresh keeps client state such as chart zoom and scroll). Nothing happens while
// nothing changes: no timer, no polling. Bursts of events are coalesced into one refresh.
import { useRouter } from 'next/navigation';
import { useMemo, useRef, useState } from 'react';
import { useLiveEvents } from '../live/useLiveEvents';

const COALESCE_MS = 1_000;

export function LiveUpdates({ query, events, enabled = true }: { query: string; events: string[]; enabled?: boolean }) {
  const router = useRouter();
  const [on, setOn] = useState(enabled);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  const handlers = useMemo(() => {
    const refresh = () => {
      if (pending.current) return;
      pending.current = setTimeout(() => {
        pending.current = null;
        router.refresh();
      }, COALESCE_MS);
    };
    return Object.fromEntries(events.map((event) => [event, refresh]));
  }, [events, router]);
  useLiveEvents(on ? query : null, handlers);
  return (
    <button type="button" className="btn small" aria-pressed={on} onClick={() => setOn((v) => !v)} title="Updates are pushed as they happen" data-testid="live-toggle">
      <span className={`badge plain ${on ? 's-RUNNING' : 's-QUEUED'}`}>{on ? 'live' : 'paused'}</span>
      {on ? 'Pause updates' : 'Resume live updates'}
    </button>
  );
}
