// The run's identity and lifecycle: status, factors, agent, backend, timings, divergence, error.
import Link from 'next/link';
import type { RunDetail } from '@/lib/data/run';
import { fmtDuration, fmtTime, modeLabel } from '@/lib/format';
import { StatusBadge } from '../ui/States';
import { describeProgress } from '@/lib/format';
import { LiveProgress } from '../live/LiveProgress';

export function RunFacts({ run }: { run: RunDetail }) {
  const job = run.jobs[0];
  return (
    <div className="stack" style={{ gap: 12 }}>
      <dl className="kv" data-testid="run-facts">
        <dt>Status</dt><dd><StatusBadge status={run.status} />{job && run.status === 'RUNNING' ? <LiveProgress runId={run.id} initial={describeProgress(job.progress)} /> : null}</dd>
        <dt>Regime</dt><dd className={`mode-${run.mode}`}>{modeLabel(run.mode)}</dd>
        <dt>Model size</dt><dd>{run.modelSize}</dd>
        <dt>Blocks (K)</dt><dd className="num">{run.blocks}</dd>
        <dt>Seed</dt><dd className="num">{run.seed}</dd>
        <dt>Dataset</dt><dd>{run.dataset}</dd>
        <dt>Agent</dt><dd>{run.agentName ?? <span className="muted">—</span>}</dd>
        <dt>Backend</dt><dd>{run.backend ?? <span className="muted">—</span>}</dd>
        <dt>Created</dt><dd className="num">{fmtTime(run.createdAt)}</dd>
        <dt>Started</dt><dd className="num">{fmtTime(run.startedAt)}</dd>
        <dt>Finished</dt><dd className="num">{fmtTime(run.finishedAt)}</dd>
        <dt>Duration</dt><dd className="num" data-testid="run-duration">{fmtDuration(run.durationSeconds)}{run.status === 'RUNNING' ? ' so far' : ''}</dd>
        {job ? <><dt>Attempts</dt><dd className="num">{job.attempts} of {job.maxAttempts}{job.cancelRequested ? ' · cancel requested' : ''}</dd></> : null}
        <dt>Checkpoints</dt><dd>{run.checkpoints.length ? run.checkpoints.map((c) => <span key={c.step} className="tag" title={`sha256 ${c.sha256}, ${(c.bytes / 1e6).toFixed(1)} MB`}>step {c.step}</span>) : <span className="muted">none yet</span>}</dd>
        <dt>Tags</dt><dd>{run.tags.length ? run.tags.map((t) => <Link key={t} href={`/runs?tag=${encodeURIComponent(t)}`} className="tag">{t}</Link>) : <span className="muted">—</span>}</dd>
      </dl>
      {run.divergence ? (
        <div className="error-box" data-testid="run-divergence">
          <strong>Diverged</strong> at step <span className="num">{run.divergence.step}</span>
          {run.divergence.block === null ? ' (whole model)' : <> in block <span className="num">{run.divergence.block}</span></>}: the {run.divergence.quantity} became {run.divergence.value}.
          The series end at the last finite step; a retry starts over from the latest checkpoint.
        </div>
      ) : null}
      {run.error ? (
        <div className="error-box" data-testid="run-error"><strong>Error</strong><pre style={{ whiteSpace: 'pre-wrap', margin: '4px 0 0' }}>{run.error}</pre></div>
      ) : job?.lastError && run.status !== 'SUCCEEDED' ? (
        <div className="error-box"><strong>Last attempt failed</strong><pre style={{ whiteSpace: 'pre-wrap', margin: '4px 0 0' }}>{job.lastError}</pre></div>
      ) : null}
      {run.notes ? <div><h3>Notes</h3><p style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{run.notes}</p></div> : null}
    </div>
  );
}
