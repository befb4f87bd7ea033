// Shared loading / empty / error presentation. Server-safe (no hooks).
import type { ApiErrorShape } from '@/lib/api-error';

export function ErrorPanel({ error, title = 'Could not load this' }: { error: ApiErrorShape; title?: string }) {
  return (
    <div className="error-box" role="alert" data-testid="error-panel">
      <strong>{title}</strong>
      <div>{error.message}</div>
      <code className="muted">{error.code}</code>
      {error.code === 'UNAUTHENTICATED' ? <a href="/login">Sign in again</a> : null}
    </div>
  );
}

export function Empty({ children }: { children: React.ReactNode }) {
  return <div className="empty" data-testid="empty">{children}</div>;
}

export function Skeleton({ height = 16, width = '100%' }: { height?: number; width?: number | string }) {
  return <div className="skeleton" style={{ height, width }} aria-hidden="true" />;
}

/** A panel-shaped placeholder while a widget streams in. */
export function PanelSkeleton({ title, height = 220 }: { title?: string; height?: number }) {
  return (
    <section className="panel" aria-busy="true">
      {title ? <div className="panel-head"><h2>{title}</h2></div> : <Skeleton height={18} width="40%" />}
      <div style={{ marginTop: 10 }}><Skeleton height={height} /></div>
      <span className="sr-only">Loading…</span>
    </section>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge s-${status}`}>{status.toLowerCase().replace(/_/g, ' ')}</span>;
}
