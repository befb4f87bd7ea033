import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { AgentsTable, QueueTable } from '@/components/agents';
import { RunActions } from '@/components/RunActions';
import { LiveUpdates } from '@/components/ui/LiveUpdates';
import { Resolve } from '@/components/ui/Resolve';
import { PanelSkeleton } from '@/components/ui/States';
import { getAgents, getQueue, type JobStatusName } from '@/lib/data/agents';
import { canWrite } from '@/lib/data/viewer';
import { oneOf, int, withParams, type SearchParams } from '@/lib/params';

export const metadata: Metadata = { title: 'Agents & queue' };

const VIEWS = {
  active: { label: 'Running & queued', status: ['RUNNING', 'QUEUED'] },
  failed: { label: 'Failed & cancelled', status: ['FAILED', 'CANCELLED'] },
  done: { label: 'Succeeded', status: ['SUCCEEDED'] },
} as const satisfies Record<string, { label: string; status: JobStatusName[] }>;
type View = keyof typeof VIEWS;
const PAGE = 50;

export default async function AgentsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const view = oneOf(params, 'jobs', Object.keys(VIEWS) as View[], 'active');
  const offset = Math.max(0, int(params, 'offset') ?? 0);
  // eslint-disable-next-line react-hooks/purity -- a server component renders once per request: now is the request's time
  const now = Date.now();
  const agents = getAgents();
  const queue = getQueue([...VIEWS[view].status], PAGE, offset);
  const writable = canWrite();
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Agents &amp; queue</h1>
          <p className="muted" style={{ margin: 0 }}>Daemons on GPU hosts claim jobs in the order listed below.</p>
        </div>
        <LiveUpdates query="queue=1" events={['queue', 'status', 'heartbeat']} />
      </div>
      <section className="panel" aria-labelledby="agents-h">
        <div className="panel-head"><h2 id="agents-h">Agents</h2></div>
        <Suspense fallback={<PanelSkeleton />}>
          <Resolve data={agents}>{(list) => <AgentsTable agents={list} now={now} />}</Resolve>
        </Suspense>
      </section>
      <section className="panel" aria-labelledby="queue-h">
        <div className="panel-head">
          <h2 id="queue-h">Queue <span className="muted small">(claim order)</span></h2>
          <nav className="seg" aria-label="Jobs shown">
            {(Object.keys(VIEWS) as View[]).map((v) => (
              <Link key={v} href={`/agents${withParams(params, { jobs: v, offset: undefined })}`} aria-current={v === view ? 'true' : undefined}>{VIEWS[v].label}</Link>
            ))}
          </nav>
        </div>
        <Suspense fallback={<PanelSkeleton />}>
          <Resolve data={Promise.all([queue, writable])}>
            {([entries, mayWrite]) => (
              <>
                <QueueTable entries={entries} now={now} actions={mayWrite ? (e) => <RunActions runId={e.runId} status={e.runStatus} name={e.runName} /> : undefined} />
                <div className="row" style={{ marginTop: 10, justifyContent: 'space-between' }}>
                  <span className="muted small">{mayWrite ? 'Cancel and retry act on the job’s run.' : 'Read-only token: cancel and retry need a WRITER or ADMIN token.'}</span>
                  <span className="row">
                    {offset > 0 ? <Link className="btn small" href={`/agents${withParams(params, { offset: Math.max(0, offset - PAGE) || undefined })}`}>Previous</Link> : null}
                    {entries.length === PAGE ? <Link className="btn small" href={`/agents${withParams(params, { offset: offset + PAGE })}`}>Next</Link> : null}
                  </span>
                </div>
              </>
            )}
          </Resolve>
        </Suspense>
      </section>
    </div>
  );
}
