// A stacked progress bar of a sweep's runs by status, with counts.
const ORDER = [
  ['SUCCEEDED', 'succeeded', 'done'],
  ['RUNNING', 'running', 'running'],
  ['FAILED', 'failed', 'failed'],
  ['CANCELLED', 'cancelled', 'cancelled'],
  ['QUEUED', 'queued', 'queued'],
] as const;

export interface StatusCountsLike { queued: number; running: number; succeeded: number; failed: number; cancelled: number; total: number }

export function SweepProgress({ counts, showLegend = true }: { counts: StatusCountsLike; showLegend?: boolean }) {
  const total = counts.total || 1;
  const done = counts.succeeded + counts.failed + counts.cancelled;
  return (
    <div className="stack" style={{ gap: 4 }}>
      <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={counts.total} aria-valuenow={done}
        aria-label={`${done} of ${counts.total} runs finished`}>
        {ORDER.map(([status, key]) => (counts[key] ? <span key={status} className={`p-${status}`} style={{ width: `${(counts[key] / total) * 100}%` }} /> : null))}
      </div>
      {showLegend ? (
        <div className="legend-dots" data-testid="sweep-counts">
          {ORDER.map(([status, key, label]) => (counts[key] ? (
            <span key={status}><i className={`p-${status}`} style={{ background: `var(--${status === 'SUCCEEDED' ? 'ok' : status === 'RUNNING' ? 'run' : status === 'FAILED' ? 'bad' : status === 'CANCELLED' ? 'warn' : 'border'})` }} />{counts[key]} {label}</span>
          ) : null))}
          <span>· {counts.total} runs</span>
        </div>
      ) : null}
    </div>
  );
}
