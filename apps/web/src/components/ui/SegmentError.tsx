'use client';
// The body of every segment's error.tsx: what went wrong and a retry. Data errors from the API
// are normally rendered in place by <Resolve>; this catches the rest (render bugs, timeouts).
import Link from 'next/link';

export function SegmentError({ error, retry, what }: { error: unknown; retry: () => void; what: string }) {
  const message = error instanceof Error ? error.message : String(error);
  const digest = error instanceof Error ? (error as Error & { digest?: string }).digest : undefined;
  return (
    <div className="stack" role="alert">
      <h1>Could not show {what}</h1>
      <div className="error-box">
        <div>{message}</div>
        {digest ? <code className="muted">reference {digest} (see the dashboard server log)</code> : null}
      </div>
      <div className="row">
        <button type="button" className="btn primary" onClick={() => retry()}>Try again</button>
        <Link className="btn" href="/">Back to the overview</Link>
      </div>
    </div>
  );
}
