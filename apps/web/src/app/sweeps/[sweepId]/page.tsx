import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { ProfileChart, type ProfileSeries } from '@/components/charts/ProfileChart';
import { SweepGrid, sortSizes, type GridCell } from '@/components/SweepGrid';
import { SweepProgress } from '@/components/SweepProgress';
import { LiveRefresh } from '@/components/ui/LiveRefresh';
import { Resolve } from '@/components/ui/Resolve';
import { Empty, PanelSkeleton } from '@/components/ui/States';
import { UrlSelect } from '@/components/ui/UrlSelect';
import { getSweep, getSweepGrid, getSweepTargets, type SweepGridResult } from '@/lib/data/sweep';
import { fmt, fmtPercent, fmtTime, MODE_ORDER, modeLabel } from '@/lib/format';
import { cellParam } from '@/lib/compare-items';
import { isUuid } from '@/lib/ids';
import { int, one, oneOf, type SearchParams } from '@/lib/params';
import { depthName, GRID_METRICS, selectorFor, type GridMetric } from '@/lib/sweep-metrics';

type Props = { params: Promise<{ sweepId: string }>; searchParams: Promise<SearchParams> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { sweepId } = await params;
  if (!isUuid(sweepId)) return { title: 'Sweep' };
  try {
    return { title: (await getSweep(sweepId)).name };
  } catch {
    return { title: 'Sweep' };
  }
}

const cellKey = (c: { modelSize: string; blocks: number; mode: string }) => `${c.modelSize}|${c.blocks}|${c.mode}`;

export default async function SweepPage({ params, searchParams }: Props) {
  const { sweepId } = await params;
  if (!isUuid(sweepId)) notFound();
  const query = await searchParams;
  const metric = oneOf(query, 'metric', Object.keys(GRID_METRICS) as GridMetric[], 'probe');
  const blockParam = one(query, 'block');
  const block = blockParam && /^\d+$/.test(blockParam) ? Number(blockParam) : null;
  const at = int(query, 'at') ?? null;
  const sweep = getSweep(sweepId);
  const targets = getSweepTargets(sweepId);
  return (
    <Resolve data={sweep} notFoundOnMissing>
      {(s) => {
        const maxK = Math.max(...s.factors.blocks, 1);
        const live = s.statusCounts.running + s.statusCounts.queued > 0;
        const format = (v: number | null) => (GRID_METRICS[metric].percent ? fmtPercent(v) : fmt(v, metric === 'loss' ? 4 : 3));
        const data = targets.then(async (byKind) => {
          const kind = metric === 'probe' ? 'LINEAR_PROBE' : metric === 'map' ? 'KNN_RETRIEVAL' : null;
          const options = kind ? byKind[kind] ?? [] : [];
          const requested = one(query, 'target');
          const target = requested && options.includes(requested) ? requested : options.includes('action') ? 'action' : options[0];
          const selector = selectorFor(metric, target);
          const depths = Array.from({ length: metric === 'cka' ? maxK - 1 : maxK }, (_, i) => i + 1);
          const [main, ...perDepth] = await Promise.all([getSweepGrid(sweepId, selector, block, at), ...depths.map((d) => getSweepGrid(sweepId, selector, d, at))]);
          return { main: main!, perDepth: perDepth as SweepGridResult[], depths, options, target };
        });
        return (
          <div className="stack">
            <div className="page-head">
              <div>
                <div className="crumbs"><Link href="/">Overview</Link> / <Link href={`/runs?project=${encodeURIComponent(s.project.name)}`}>{s.project.name}</Link></div>
                <h1 data-testid="sweep-name">{s.name}</h1>
                <div className="small muted">
                  {s.factors.modelSizes.join(', ')} × K {s.factors.blocks.join(', ')} × {s.factors.modes.map(modeLabel).join(', ')} × {s.factors.seeds.length} seeds · declared {fmtTime(s.createdAt)}
                </div>
              </div>
              <div className="row">
                <Link className="btn" href={`/runs?sweep=${s.id}`}>All {s.statusCounts.total} runs</Link>
                {live ? <LiveRefresh ms={8000} /> : null}
              </div>
            </div>
            <section className="panel" aria-label="Progress"><SweepProgress counts={s.statusCounts} /></section>

            <Suspense fallback={<PanelSkeleton height={320} />}>
              <Resolve data={data}>
                {({ main, perDepth, depths, options, target }) => {
                  // Depth profiles per cell, from the grid read at each depth.
                  const profile = new Map<string, Array<{ mean: number | null; ciLow: number | null; ciHigh: number | null; n: number }>>();
                  perDepth.forEach((grid, i) => grid.cells.forEach((c) => {
                    const list = profile.get(cellKey(c)) ?? [];
                    list[i] = { mean: c.mean, ciLow: c.ciLow, ciHigh: c.ciHigh, n: c.n };
                    profile.set(cellKey(c), list);
                  }));
                  const all = [...profile.values()].flat().flatMap((p) => (p && p.mean != null ? [p.ciLow ?? p.mean, p.ciHigh ?? p.mean] : []));
                  const range: [number, number] = all.length ? [Math.min(...all), Math.max(...all)] : [0, 1];
                  const cells: GridCell[] = main.cells.map((c) => {
                    const p = profile.get(cellKey(c));
                    const modeVar = c.mode === 'E2E' ? 'e2e' : c.mode === 'BLOCKWISE_SIMULTANEOUS' ? 'sim' : 'seq';
                    return {
                      ...c,
                      href: `/runs?sweep=${s.id}&size=${encodeURIComponent(c.modelSize)}&k=${c.blocks}&mode=${c.mode}`,
                      profile: p ? { color: `var(--mode-${modeVar})`, values: depths.map((_, i) => p[i]?.mean ?? null), low: depths.map((_, i) => p[i]?.ciLow ?? null), high: depths.map((_, i) => p[i]?.ciHigh ?? null) } : null,
                    };
                  });
                  const groups = sortSizes(main.modelSizes).flatMap((size) => main.blocks.map((k) => ({ size, k })));
                  const blockOptions = [{ value: 'final', label: metric === 'cka' ? 'last pair (K−1, K)' : 'final block (K)' }, ...Array.from({ length: metric === 'cka' ? maxK - 1 : maxK }, (_, i) => ({ value: String(i + 1), label: metric === 'cka' ? `pair ${i + 1}→${i + 2}` : `block ${i + 1}` }))];
                  return (
                    <>
                      <section className="panel" aria-labelledby="grid-h">
                        <div className="panel-head">
                          <h2 id="grid-h">{GRID_METRICS[metric].label}{main.metric.target ? ` · ${main.metric.target}` : ''}{main.metric.dataset ? ` (${main.metric.dataset})` : ''}</h2>
                          <span className="muted small">mean ± 95% CI over seeds (Student t) · {main.block === null ? (metric === 'cka' ? 'last block pair' : 'final block') : `${depthName(metric)} ${main.block}`}{main.at !== null ? ` · at step ≤ ${main.at}` : ' · latest values'}</span>
                        </div>
                        <div className="toolbar">
                          <UrlSelect name="metric" label="Metric" value={metric} resets={['target', 'block']} options={(Object.keys(GRID_METRICS) as GridMetric[]).map((m) => ({ value: m, label: GRID_METRICS[m].label }))} testId="grid-metric" />
                          {options.length > 0 ? <UrlSelect name="target" label="Target" value={target ?? ''} options={options.map((t) => ({ value: t, label: t }))} testId="grid-target" /> : null}
                          <UrlSelect name="block" label="Block" value={block === null ? 'final' : String(block)} options={blockOptions} testId="grid-block" />
                        </div>
                        {cells.length === 0 ? <Empty>No cells: the sweep has no runs.</Empty> : <SweepGrid cells={cells} format={format} profileRange={range} metricLabel={GRID_METRICS[metric].label} />}
                        <p className="chart-note">Click a cell to open its runs. Marks count seeds without a value: running, failed, or missing (queued, cancelled, or not evaluated yet). The small line in each cell is its depth profile ({depthName(metric)} 1 → {metric === 'cka' ? maxK - 1 : maxK}, shared scale).</p>
                      </section>
                      <section className="panel" aria-labelledby="profiles-h">
                        <div className="panel-head">
                          <h2 id="profiles-h">Depth profiles</h2>
                          <span className="muted small">{GRID_METRICS[metric].label} per {depthName(metric)}, mean with 95% CI band over seeds — E2E vs blockwise</span>
                        </div>
                        <div className="grid-2">
                          {groups.map(({ size, k }) => {
                            const ds = depths.filter((d) => d <= (metric === 'cka' ? k - 1 : k));
                            const series: ProfileSeries[] = MODE_ORDER.filter((m) => main.modes.includes(m)).map((m) => {
                              const p = profile.get(`${size}|${k}|${m}`) ?? [];
                              return { name: modeLabel(m), mode: m, values: ds.map((d) => { const v = p[d - 1]; return v && v.mean != null ? { y: v.mean, low: v.ciLow, high: v.ciHigh, note: `n=${v.n}` } : null; }) };
                            });
                            return (
                              <figure key={`${size}-${k}`} style={{ margin: 0 }}>
                                <figcaption className="row small" style={{ justifyContent: 'space-between' }}>
                                  <strong>{size}, K = {k}</strong>
                                  <Link href={`/compare?${main.modes.map((m) => `cell=${encodeURIComponent(cellParam({ sweepId: s.id, modelSize: size, blocks: k, mode: m }))}`).join('&')}&metric=${metric}`} data-testid="compare-cells">Compare these cells →</Link>
                                </figcaption>
                                <ProfileChart categories={ds.map((d) => (metric === 'cka' ? `${d}→${d + 1}` : `B${d}`))} series={series} label={`${GRID_METRICS[metric].label} by depth for ${size}, K=${k}`}
                                  xName={depthName(metric)} yName={GRID_METRICS[metric].label} percent={GRID_METRICS[metric].percent} height={260} testId="sweep-profile" />
                              </figure>
                            );
                          })}
                        </div>
                      </section>
                    </>
                  );
                }}
              </Resolve>
            </Suspense>
          </div>
        );
      }}
    </Resolve>
  );
}
