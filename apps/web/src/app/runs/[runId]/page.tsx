import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { RunActions } from '@/components/RunActions';
import { ConfigTable } from '@/components/run/ConfigTable';
import { RunDepthProfile } from '@/components/run/DepthProfile';
import { EvaluationsTable } from '@/components/run/EvaluationsTable';
import { RunCurves } from '@/components/run/RunCurves';
import { RunFacts } from '@/components/run/RunFacts';
import { RunSimilarity } from '@/components/run/RunSimilarity';
import { RunPatchDiagnostics } from '@/components/run/RunPatchDiagnostics';
import { LiveUpdates } from '@/components/ui/LiveUpdates';
import { Resolve } from '@/components/ui/Resolve';
import { Empty, PanelSkeleton, StatusBadge } from '@/components/ui/States';
import { getRun } from '@/lib/data/run';
import { canWrite } from '@/lib/data/viewer';
import { evaluationSteps, type EvaluationRow } from '@/lib/evaluations';
import { modeLabel } from '@/lib/format';
import { isUuid } from '@/lib/ids';
import { notFoundUnlessFound } from '@/lib/not-found';
import { int, one, withParams, type SearchParams } from '@/lib/params';

type Props = { params: Promise<{ runId: string }>; searchParams: Promise<SearchParams> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { runId } = await params;
  if (!isUuid(runId)) return { title: 'Run' };
  try {
    return { title: (await getRun(runId)).name };
  } catch {
    return { title: 'Run' };
  }
}

export default async function RunPage({ params, searchParams }: Props) {
  const { runId } = await params;
  if (!isUuid(runId)) notFound();
  const run = getRun(runId);
  const writable = canWrite();
  await notFoundUnlessFound(run); // before anything streams: a missing run is a 404
  const query = await searchParams;
  return (
    <Resolve data={Promise.all([run, writable])} notFoundOnMissing>
      {([r, mayWrite]) => {
        const live = r.status === 'RUNNING' || r.status === 'QUEUED';
        const evaluations = r.evaluations as EvaluationRow[];
        const steps = evaluationSteps(evaluations);
        const requested = int(query, 'step');
        const step = requested !== undefined && steps.includes(requested) ? requested : steps[steps.length - 1];
        return (
          <div className="stack">
            <div className="page-head">
              <div>
                <div className="crumbs">
                  <Link href={`/runs?project=${encodeURIComponent(r.project.name)}`}>{r.project.name}</Link>
                  {r.sweep ? <> / <Link href={`/sweeps/${r.sweep.id}`}>{r.sweep.name}</Link></> : null}
                </div>
                <h1 data-testid="run-name">{r.name}</h1>
                <div className="row small">
                  <StatusBadge status={r.status} />
                  <span className={`mode-${r.mode}`}>{modeLabel(r.mode)}</span>
                  <span className="muted">· {r.modelSize} · K={r.blocks} · seed {r.seed}</span>
                </div>
              </div>
              <div className="row">
                {mayWrite ? <RunActions runId={r.id} status={r.status} name={r.name} /> : null}
                <Link className="btn" href={`/compare?run=${r.id}`}>Compare with…</Link>
                {live ? <LiveUpdates query={`run=${r.id}`} events={['status']} /> : null}
              </div>
            </div>

            <div className="grid-2">
              <section className="panel" aria-labelledby="facts-h"><div className="panel-head"><h2 id="facts-h">Run</h2></div><RunFacts run={r} /></section>
              <section className="panel" aria-labelledby="config-h" style={{ maxHeight: 520, overflow: 'auto' }}>
                <div className="panel-head"><h2 id="config-h">Resolved config</h2></div>
                <ConfigTable config={r.config} />
              </section>
            </div>

            <section className="panel" aria-labelledby="curves-h">
              <div className="panel-head"><h2 id="curves-h">Training curves</h2><span className="muted small">per block; the server downsamples to ≤ 600 points per series</span></div>
              <Suspense fallback={<PanelSkeleton height={300} />}>
                <RunCurves runId={r.id} keyParam={one(query, 'key')} live={r.status === 'RUNNING'} />
              </Suspense>
            </section>

            <section className="panel" aria-labelledby="evals-h">
              <div className="panel-head">
                <h2 id="evals-h">Evaluations</h2>
                {steps.length ? (
                  <nav className="seg" aria-label="Checkpoint">
                    {steps.map((s) => <Link key={s} href={`/runs/${r.id}${withParams(query, { step: s })}`} scroll={false} aria-current={s === step ? 'true' : undefined}>step {s}</Link>)}
                  </nav>
                ) : null}
              </div>
              {step === undefined ? <Empty>No evaluations yet{live ? ' — they are reported at checkpoints' : ''}.</Empty> : <EvaluationsTable rows={evaluations} step={step} />}
            </section>

            <div className="grid-2">
              <section className="panel" aria-labelledby="depth-h">
                <div className="panel-head"><h2 id="depth-h">Depth profile</h2>{step !== undefined ? <span className="muted small">step {step}</span> : null}</div>
                {step === undefined ? <Empty>No evaluations yet.</Empty> : <RunDepthProfile rows={evaluations} step={step} family={one(query, 'family')} geometryMetric={one(query, 'gmetric')} />}
              </section>
              <section className="panel" aria-labelledby="cka-h">
                <div className="panel-head"><h2 id="cka-h">Block × block similarity</h2></div>
                <Suspense fallback={<PanelSkeleton height={280} />}>
                  <RunSimilarity runId={r.id} step={step} query={query} />
                </Suspense>
              </section>
            </div>

            <section className="panel" aria-labelledby="patch-h">
              <div className="panel-head"><h2 id="patch-h">Patch diagnostics</h2></div>
              <Suspense fallback={<PanelSkeleton height={260} />}>
                <RunPatchDiagnostics runId={r.id} step={step} />
              </Suspense>
            </section>
          </div>
        );
      }}
    </Resolve>
  );
}
