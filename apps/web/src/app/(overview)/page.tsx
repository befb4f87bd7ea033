import Link from 'next/link';
import { Suspense } from 'react';
import { AgentsTable, QueueTable } from '@/components/agents';
import { SweepProgress } from '@/components/SweepProgress';
import { LiveUpdates } from '@/components/ui/LiveUpdates';
import { Resolve } from '@/components/ui/Resolve';
import { Empty, PanelSkeleton } from '@/components/ui/States';
import { getAgents, getQueue } from '@/lib/data/agents';
import { getProjects, getSweeps } from '@/lib/data/projects';
import { fmtAgo, fmtTime, MODE_SHORT } from '@/lib/format';

export default function HomePage() {
  // eslint-disable-next-line react-hooks/purity -- a server component renders once per request: now is the request's time
  const now = Date.now();
  const projects = getProjects();
  const sweeps = getSweeps(8);
  const agents = getAgents();
  const queue = getQueue(['RUNNING', 'QUEUED'], 8, 0);
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Overview</h1>
          <p className="muted" style={{ margin: 0 }}>Projects, the latest sweeps and what the agents are doing now.</p>
        </div>
        <LiveUpdates query="queue=1" events={['queue', 'status', 'heartbeat']} />
      </div>

      <section className="panel" aria-labelledby="sweeps-h">
        <div className="panel-head"><h2 id="sweeps-h">Recent sweeps</h2></div>
        <Suspense fallback={<PanelSkeleton />}>
          <Resolve data={sweeps}>
            {(list) => list.length === 0 ? <Empty>No sweeps yet. Declare one with <code>stratum sweep create sweep.yaml</code>.</Empty> : (
              <div className="table-wrap">
                <table className="data" data-testid="recent-sweeps">
                  <thead>
                    <tr><th>Sweep</th><th>Project</th><th>Factors</th><th style={{ width: '34%' }}>Progress</th><th>Created</th></tr>
                  </thead>
                  <tbody>
                    {list.map((s) => (
                      <tr key={s.id} data-testid="sweep-row">
                        <td><Link href={`/sweeps/${s.id}`}><strong>{s.name}</strong></Link></td>
                        <td>{s.project.name}</td>
                        <td className="small">
                          {s.factors.modelSizes.join(', ')} · K {s.factors.blocks.join('/')} · {s.factors.modes.map((m) => MODE_SHORT[m] ?? m).join('/')} · {s.factors.seeds.length} seeds
                        </td>
                        <td><SweepProgress counts={s.statusCounts} /></td>
                        <td className="small muted" title={fmtTime(s.createdAt)} suppressHydrationWarning>{fmtAgo(s.createdAt, now)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </Resolve>
        </Suspense>
      </section>

      <div className="grid-2">
        <section className="panel" aria-labelledby="agents-h">
          <div className="panel-head"><h2 id="agents-h">Agents</h2><Link href="/agents" className="small">All agents &amp; queue →</Link></div>
          <Suspense fallback={<PanelSkeleton />}>
            <Resolve data={agents}>{(list) => <AgentsTable agents={list} now={now} compact />}</Resolve>
          </Suspense>
        </section>
        <section className="panel" aria-labelledby="queue-h">
          <div className="panel-head"><h2 id="queue-h">Queue head</h2><Link href="/agents" className="small">Full queue →</Link></div>
          <Suspense fallback={<PanelSkeleton />}>
            <Resolve data={queue}>{(entries) => <QueueTable entries={entries} now={now} compact />}</Resolve>
          </Suspense>
        </section>
      </div>

      <section className="panel" aria-labelledby="projects-h">
        <div className="panel-head"><h2 id="projects-h">Projects</h2></div>
        <Suspense fallback={<PanelSkeleton />}>
          <Resolve data={projects}>
            {(list) => list.length === 0 ? <Empty>No projects yet.</Empty> : (
              <div className="grid-3" data-testid="projects">
                {list.map((p) => (
                  <Link key={p.id} href={`/runs?project=${encodeURIComponent(p.name)}`} className="cell" style={{ minWidth: 0 }}>
                    <strong>{p.name}</strong>
                    <div className="muted small">{p.description ?? 'No description'}</div>
                    <div className="small" style={{ marginTop: 6 }}><span className="num" data-testid="project-runs">{p.runCount}</span> runs · {p.sweeps.length} sweeps</div>
                  </Link>
                ))}
              </div>
            )}
          </Resolve>
        </Suspense>
      </section>
    </div>
  );
}
