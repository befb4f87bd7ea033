import type { Metadata } from 'next';
import Link from 'next/link';
import { Suspense } from 'react';
import { Resolve } from '@/components/ui/Resolve';
import { Empty, PanelSkeleton, StatusBadge } from '@/components/ui/States';
import { getProjects } from '@/lib/data/projects';
import { getBaselines, getRegressionChecks } from '@/lib/data/regressions';
import { fmt, fmtAgo, fmtDelta, fmtTime, MODE_SHORT } from '@/lib/format';
import { one, withParams, type SearchParams } from '@/lib/params';

export const metadata: Metadata = { title: 'Regression checks' };

const SIZE_RANK = ['nano', 'micro', 'tiny', 'small'];
const MODE_RANK = ['E2E', 'BLOCKWISE_SIMULTANEOUS', 'BLOCKWISE_SEQUENTIAL'];

/** By rule, then grid cell (size, K, regime), as the sweep grid reads. */
function sortVerdicts<T extends { ruleIndex: number; cell: { modelSize: string; blocks: number; mode: string } | null }>(verdicts: T[]): T[] {
  const rank = (list: string[], v: string) => (list.indexOf(v) < 0 ? 99 : list.indexOf(v));
  return [...verdicts].sort((a, b) => a.ruleIndex - b.ruleIndex
    || rank(SIZE_RANK, a.cell?.modelSize ?? '') - rank(SIZE_RANK, b.cell?.modelSize ?? '') || (a.cell?.modelSize ?? '').localeCompare(b.cell?.modelSize ?? '')
    || (a.cell?.blocks ?? 0) - (b.cell?.blocks ?? 0)
    || rank(MODE_RANK, a.cell?.mode ?? '') - rank(MODE_RANK, b.cell?.mode ?? ''));
}

function describeCandidate(candidate: unknown): string {
  const c = (candidate ?? {}) as { sweepId?: string; runIds?: string[] };
  if (c.sweepId) return `sweep ${c.sweepId.slice(0, 8)}`;
  if (c.runIds) return `${c.runIds.length} runs`;
  return JSON.stringify(candidate);
}

export default async function RegressionsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const projects = getProjects();
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Regression checks</h1>
          <p className="muted" style={{ margin: 0 }}>Baselines and the verdicts of <code>checkRegression</code> (what <code>stratum check</code> runs in CI): seed-aware, Welch intervals per grid cell.</p>
        </div>
      </div>
      <Resolve data={projects.then(async (list) => {
        // Default project: the asked one, else the first (by name) that has baselines.
        const asked = list.find((p) => p.name === one(params, 'project'));
        if (asked || list.length === 0) return { list, project: asked?.name ?? null, baselines: asked ? await getBaselines(asked.name) : [] };
        const all = await Promise.all(list.slice(0, 20).map((p) => getBaselines(p.name)));
        const i = Math.max(0, all.findIndex((b) => b.length > 0));
        return { list, project: list[i]!.name, baselines: all[i] ?? [] };
      })}>
        {({ list, project, baselines: bsNow }) => {
          if (list.length === 0 || project === null) return <Empty>No projects yet.</Empty>;
          const baselines = Promise.resolve(bsNow);
          return (
            <>
              <nav className="seg" aria-label="Project">
                {list.map((p) => <Link key={p.id} href={`/regressions${withParams({}, { project: p.name })}`} aria-current={p.name === project ? 'true' : undefined}>{p.name}</Link>)}
              </nav>
              <Suspense fallback={<PanelSkeleton />}>
                <Resolve data={baselines}>
                  {(bs) => {
                    if (bs.length === 0) return <Empty>No baselines in {project}. Set one with <code>stratum baseline set &lt;name&gt; --sweep …</code> (the <code>setBaseline</code> mutation).</Empty>;
                    const selected = bs.find((b) => b.name === one(params, 'baseline')) ?? bs[0]!;
                    return (
                      <>
                        <section className="panel" aria-labelledby="baselines-h">
                          <div className="panel-head"><h2 id="baselines-h">Baselines</h2></div>
                          <div className="table-wrap">
                            <table className="data" data-testid="baselines">
                              <thead><tr><th>Baseline</th><th>Defined by</th><th>Updated</th><th>Latest check</th><th /></tr></thead>
                              <tbody>
                                {bs.map((b) => {
                                  const last = b.checks[0];
                                  return (
                                    <tr key={b.id} aria-selected={b.id === selected.id}>
                                      <td><strong>{b.name}</strong></td>
                                      <td>{b.sweep ? <Link href={`/sweeps/${b.sweep.id}`}>sweep {b.sweep.name}</Link> : `${b.runIds.length} runs`}</td>
                                      <td className="small" title={fmtTime(b.updatedAt)} suppressHydrationWarning>{fmtAgo(b.updatedAt)}</td>
                                      <td>{last ? <><StatusBadge status={last.passed ? 'PASS' : last.failed ? 'FAIL' : 'INSUFFICIENT_DATA'} /> <span className="small muted">{last.verdicts.length} verdicts, {last.failed} failed · {fmtTime(last.createdAt)}</span></> : <span className="muted">never checked</span>}</td>
                                      <td><Link href={`/regressions${withParams(params, { project, baseline: b.name })}`} aria-current={b.id === selected.id ? 'true' : undefined}>checks →</Link></td>
                                    </tr>
                                  );
                                })}
                              </tbody>
                            </table>
                          </div>
                        </section>
                        <Suspense fallback={<PanelSkeleton />}>
                          <Resolve data={getRegressionChecks(project, selected.name, 10)}>
                            {(reports) => (
                              <section className="panel" aria-labelledby="checks-h">
                                <div className="panel-head"><h2 id="checks-h">Latest checks against {selected.name}</h2><span className="muted small">newest first</span></div>
                                {reports.length === 0 ? <Empty>No checks recorded against this baseline yet.</Empty> : (
                                  <div className="stack">
                                    {reports.map((r, ri) => (
                                      <details key={r.id} open={ri === 0} data-testid="regression-report">
                                        <summary className="row">
                                          <StatusBadge status={r.passed ? 'PASS' : r.failed ? 'FAIL' : 'INSUFFICIENT_DATA'} />
                                          <span>{describeCandidate(r.candidate)} · {r.verdicts.length} verdicts · {r.failed} failed · {r.insufficient} insufficient</span>
                                          <span className="muted small">{fmtTime(r.createdAt)}</span>
                                        </summary>
                                        <div className="table-wrap" style={{ marginTop: 8 }}>
                                          <table className="data" data-testid="verdicts">
                                            <thead>
                                              <tr><th>Rule</th><th>Cell</th><th>Verdict</th><th className="r">Baseline</th><th className="r">Candidate</th><th className="r">Δ [95% CI]</th><th className="r">Allowed drop</th><th>Message</th></tr>
                                            </thead>
                                            <tbody>
                                              {sortVerdicts(r.verdicts).map((v, i) => (
                                                <tr key={i}>
                                                  <td>{v.rule}</td>
                                                  <td className="small nowrap">{v.cell ? `${v.cell.modelSize} K=${v.cell.blocks} ${MODE_SHORT[v.cell.mode] ?? v.cell.mode}` : 'all runs'}</td>
                                                  <td><StatusBadge status={v.verdict} /></td>
                                                  <td className="r num">{fmt(v.baselineMean, 4)} <span className="muted small">n={v.baselineN}</span></td>
                                                  <td className="r num">{fmt(v.candidateMean, 4)} <span className="muted small">n={v.candidateN}</span></td>
                                                  <td className="r num">{fmtDelta(v.delta, 4)}{v.ciLow != null && v.ciHigh != null ? <span className="muted small"> [{fmtDelta(v.ciLow, 4)}, {fmtDelta(v.ciHigh, 4)}]</span> : null}</td>
                                                  <td className="r num">{fmt(v.allowedDrop, 4)}</td>
                                                  <td className="small">{v.message}</td>
                                                </tr>
                                              ))}
                                            </tbody>
                                          </table>
                                        </div>
                                      </details>
                                    ))}
                                  </div>
                                )}
                              </section>
                            )}
                          </Resolve>
                        </Suspense>
                      </>
                    );
                  }}
                </Resolve>
              </Suspense>
            </>
          );
        }}
      </Resolve>
    </div>
  );
}
