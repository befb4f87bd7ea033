'use client';
// Cancel / retry buttons for one run (rendered only when the caller's role is WRITER+). Cancel asks
// for confirmation; the result or the API's error is announced next to the buttons.
import { useState, useTransition } from 'react';
import { cancelRunAction, retryRunAction, type ActionResult } from '@/lib/actions';

const CANCELLABLE = new Set(['QUEUED', 'RUNNING']);
const RETRYABLE = new Set(['FAILED', 'CANCELLED']);

export function RunActions({ runId, status, name }: { runId: string; status: string; name: string }) {
  const [pending, start] = useTransition();
  const [result, setResult] = useState<ActionResult | null>(null);
  const run = (action: (id: string) => Promise<ActionResult>) => start(async () => setResult(await action(runId)));
  return (
    <span className="row" style={{ gap: 6, flexWrap: 'nowrap' }}>
      {CANCELLABLE.has(status) ? (
        <button type="button" className="btn small danger" disabled={pending} data-testid="cancel-run"
          onClick={() => { if (window.confirm(`Cancel ${name}?`)) run(cancelRunAction); }}>Cancel</button>
      ) : null}
      {RETRYABLE.has(status) ? (
        <button type="button" className="btn small" disabled={pending} data-testid="retry-run" onClick={() => run(retryRunAction)}>Retry</button>
      ) : null}
      <span role="status" className="small">
        {pending ? 'working…' : result ? (result.ok ? <span className="muted">now {result.status.toLowerCase()}</span> : <span style={{ color: 'var(--bad)' }}>{result.error.message}</span>) : null}
      </span>
    </span>
  );
}
