'use client';
// Polling "live" mode: re-renders the page's server components every `ms` while the tab is
// visible (router.refresh keeps client state such as chart zoom and scroll).
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';

export function LiveRefresh({ ms = 5000, enabled = true }: { ms?: number; enabled?: boolean }) {
  const router = useRouter();
  const [on, setOn] = useState(enabled);
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') router.refresh();
    }, ms);
    return () => clearInterval(timer);
  }, [on, ms, router]);
  return (
    <button type="button" className="btn small" aria-pressed={on} onClick={() => setOn((v) => !v)} title={`Refresh every ${ms / 1000} s`} data-testid="live-toggle">
      <span className={`badge plain ${on ? 's-RUNNING' : 's-QUEUED'}`}>{on ? 'live' : 'paused'}</span>
      {on ? 'Pause updates' : 'Resume live updates'}
    </button>
  );
}
