// Loading and not-found bodies shared by the route segments.
import Link from 'next/link';
import { PanelSkeleton, Skeleton } from './States';

export function PageSkeleton({ title, panels = 2 }: { title: string; panels?: number }) {
  return (
    <div className="stack" aria-busy="true">
      <div>
        <Skeleton height={12} width={120} />
        <div style={{ marginTop: 8 }}><h1 className="muted">{title}</h1></div>
      </div>
      {Array.from({ length: panels }, (_, i) => <PanelSkeleton key={i} />)}
      <span className="sr-only" role="status">Loading {title.toLowerCase()}…</span>
    </div>
  );
}

export function NotFoundBody({ what, back = '/', backLabel = 'Back to the overview' }: { what: string; back?: string; backLabel?: string }) {
  return (
    <div className="stack">
      <h1>{what} not found</h1>
      <p className="muted">It may have been deleted, or the link is wrong.</p>
      <div><Link className="btn" href={back}>{backLabel}</Link></div>
    </div>
  );
}
