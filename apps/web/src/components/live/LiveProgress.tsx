'use client';
// A running job's progress as its agent's heartbeats report it, pushed through /api/live.
import { useState } from 'react';
import { describeProgress } from '@/lib/format';
import { useLiveEvents } from './useLiveEvents';

export function LiveProgress({ runId, initial }: { runId: string; initial: string | null }) {
  const [text, setText] = useState(initial);
  useLiveEvents(`run=${runId}`, { progress: (event) => setText((old) => describeProgress((event as { progress: unknown }).progress) ?? old) });
  return text ? <span className="muted small" data-testid="run-progress"> {text}</span> : null;
}
