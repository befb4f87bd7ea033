import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Suspense } from 'react';
import { ParallelChart } from '@/components/charts/ParallelChart';
import { ProfileChart, type ProfileSeries } from '@/components/charts/ProfileChart';
import { SweepGrid, sortSizes, type GridCell } from '@/components/SweepGrid';
import { SweepProgress } from '@/components/SweepProgress';
import { Sparkline } from '@/components/svg/Sparkline';
import { LiveUpdates } from '@/components/ui/LiveUpdates';
import { Resolve } from '@/components/ui/Resolve';
import { Empty, PanelSkeleton } from '@/components/ui/States';
import { UrlSelect } from '@/components/ui/UrlSelect';
import { isApiError } from '@/lib/api-error';
import { cellParam } from '@/lib/compare-items';
import { getSweep, getSweepEvaluationKeys, getSweepGrid, getSweepTargets, type SweepGridResult } from '@/lib/data/sweep';
import { fmt, fmtPercent, fmtTime, MODE_ORDER, modeLabel } from '@/lib/format';
import { isUuid } from '@/lib/ids';
import { notFoundUnlessFound } from '@/lib/not-found';
import { int, one, oneOf, type SearchParams } from '@/lib/params';
import { depthName, GRID_METRICS, preferredDataset, selectorFor, type GridMetric } from '@/lib/sweep-metrics';
import { CHANCE_METRIC, chanceLevels, type ReferenceLine } from '@/lib/evaluations';

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

type Stat = { mean: number | null; ciLow: number | null; ciHigh: number | null; n: number };
/** cell key → the cell's value at each depth (index d − 1). */
type Profiles = Map<string, Stat[]>;

const cellKey = (c: { modelSize: string; blocks: number; mode: string }) => `${c.modelSize}|${c.blocks}|${c.mode}`;
const modeVar = (mode: string) => (mode === 'E2E' ? 'e2e' : mode === 'BLOCKWISE_SIMULTANEOUS' ? 'sim' : 'seq');

function profilesOf(perDepth: SweepGridResult[]): { profiles: Profiles; range: [number, number] } {
  const profiles: Profiles = new Map();
  perDepth.forEach((grid, i) => grid.cells.forEach((c) => {
    const list = profiles.get(cellKey(c)) ?? [];
    list[i] = { mean: c.mean, ciLow: c.ciLow, ciHigh: c.ciHigh, n: c.n };
    profiles.set(cellKey(c), list);
  }));
  const all = [...profiles.values()].flat().flatMap((p) => (p && p.mean != null ? [p.ciLow ?? p.mean, p.ciHigh ?? p.mean] : []));
  // One scale for all cells, from zero (a scale zoomed to the data makes noise look like a gap).
  return { profiles, range: all.length ? [Math.min(0, ...all), Math.max(0, ...all)] : [0, 1] };
}

/** A grid cell's small multiple, streamed once the per-depth grids arrive. */
async function CellSparkline({ data, cell, depths, label }: { data: Promise<{ profiles: Profiles; range: [number, number] }>; cell: string; depths: number; label: string }) {
  let result: Awaited<typeof data>;
  try {
    result = await data;
  } catch {
    return null; // the profiles panel below shows the error
  }
  const p = result.profiles.get(cell);
  if (!p) return null;
  const mode = cell.split('|')[2]!;
  const idx = Array.from({ length: depths }, (_, i) => i);
  return (
    <Sparkline series={[{ color: `var(--mode-${modeVar(mode)})`, values: idx.map((i) => p[i]?.mean ?? null), low: idx.map((i) => p[i]?.ciLow ?? null), high: idx.map((i) => p[i]?.ciHigh ?? null) }]}
      yMin={result.range[0]} yMax={result.range[1]} width={116} height={34} title={`depth profile of ${label}`} />
  );
}

export default async function SweepPage({ params, searchParams }: Props) {
  const { sweepId } = await params;
  if (!isUuid(sweepId)) notFound();
  const query = await searchParams;
  const metric = oneOf(query, 'metric', Object.keys(GRID_METRICS) as GridMetric[], 'probe');
  const blockParam = one(query, 'block');
  const block = blockParam && /^\d+$/.test(blockParam) ? Number(blockParam) : null;
  const at = int(query, 'at') ?? null;
  const sweep = getSweep(sweepId);
  // Which evaluation target to show: the URL's, else "action", else the first reported.
  const targetChoice = (metric === 'probe' || metric === 'map' ? getSweepTargets(sweepId) : Promise.resolve({} as Record<string, string[]>)).then((byKind) => {
    const options = byKind[metric === 'probe' ? 'LINEAR_PROBE' : 'KNN_RETRIEVAL'] ?? [];
    const requested = one(query, 'target');
    const target = requested && options.includes(requested) ? requested : options.includes('action') ? 'action' : options[0];
    return { options, target };
  });
  // Ask for the grid at once: the API picks the target when the runs have only one; when they
  // have several (and none is in the URL) it says so, and the choice above decides.
  const requested = one(query, 'target');
  // Likewise the evaluation set, when the runs have several (e.g. a folder's test split and gratings).
  const main = getSweepGrid(sweepId, selectorFor(metric, requested), block, at).catch(async (error: unknown) => {
    if (!isApiError(error) || error.code !== 'BAD_USER_INPUT') throw error;
    const wantsTarget = !requested && /\.target:/.test(error.message);
    if (!wantsTarget && !/\.dataset:/.test(error.message)) throw error;
    const target = wantsTarget ? (await targetChoice).target : requested;
    return getSweepGrid(sweepId, selectorFor(metric, target), block, at).catch(async (again: unknown) => {
      if (!isApiError(again) || again.code !== 'BAD_USER_INPUT' || !/\.dataset:/.test(again.message)) throw again;
      return getSweepGrid(sweepId, selectorFor(metric, target, preferredDataset(await getSweepEvaluationKeys(sweepId), metric, target)), block, at);
    });
  });
  await notFoundUnlessFound(sweep); // before anything streams: a missing sweep is a 404
  return (
    <Resolve data={sweep} notFoundOnMissing>
      {(s) => {
        const maxK = Math.max(...s.factors.blocks, 1);
        const depthCount = metric === 'cka' ? maxK - 1 : maxK;
        const depths = Array.from({ length: depthCount }, (_, i) => i + 1);
        const live = s.statusCounts.running + s.statusCounts.queued > 0;
        const format = (v: number | null) => (GRID_METRICS[metric].percent ? fmtPercent(v) : fmt(v, metric === 'loss' ? 4 : 3));
        // The small multiples read the grid once per depth, in parallel, after the main grid.
        const perDepth = main.then((grid) => Promise.all(depths.map((d) => getSweepGrid(sweepId, selectorFor(metric, grid.metric.target ?? undefined, grid.metric.dataset ?? undefined), d, at)))).then(profilesOf);
        perDepth.catch(() => undefined); // rendered (with its error) by the profiles panel
        // The probes' chance level (reported beside each accuracy): one grid of it, any cell will do.
        const chance: Promise<ReferenceLine[]> = metric !== 'probe' ? Promise.resolve([]) : main
          .then((grid) => getSweepGrid(sweepId, { ...selectorFor(metric, grid.metric.target ?? undefined, grid.metric.dataset ?? undefined), key: CHANCE_METRIC }, null, at))
          .then((g) => chanceLevels(g.cells.flatMap((c) => (c.mean === null ? [] : [{ step: 0, kind: 'LINEAR_PROBE', metric: CHANCE_METRIC, target: g.metric.target ?? '', dataset: g.metric.dataset ?? '', depthUnit: 'BLOCK', depth: 0, value: c.mean }])), null))
          .catch(() => []); // runs evaluated before chance levels were reported: no line
        const blockOptions = [{ value: 'final', label: metric === 'cka' ? 'last pair (K−1, K)' : 'final block (K)' }, ...depths.map((d) => ({ value: String(d), label: metric === 'cka' ? `pair ${d}→${d + 1}` : `block ${d}` }))];
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
                {live ? <LiveUpdates query={`sweep=${sweepId}`} events={['status']} /> : null}
              </div>
            </div>
            <section className="panel" aria-label="Progress"><SweepProgress counts={s.statusCounts} /></section>

            <section className="panel" aria-labelledby="grid-h">
              <Suspense fallback={<PanelSkeleton height={260} />}>
                <Resolve data={Promise.all([main, targetChoice])}>
                  {([grid, { options, target }]) => {
                    const cells: GridCell[] = grid.cells.map((c) => ({
                      ...c,
                      href: `/runs?sweep=${s.id}&size=${encodeURIComponent(c.modelSize)}&k=${c.blocks}&mode=${c.mode}`,
                      profile: (
                        <Suspense fallback={<svg width={116} height={34} aria-hidden="true" style={{ display: 'block', marginTop: 6 }} />}>
                          <CellSparkline data={perDepth} cell={cellKey(c)} depths={depthCount} label={`${c.modelSize}, K=${c.blocks}, ${modeLabel(c.mode)}`} />
                        </Suspense>
                      ),
                    }));
                    return (
                      <>
                        <div className="panel-head">
                          <h2 id="grid-h">{GRID_METRICS[metric].label}{grid.metric.target ? ` · ${grid.metric.target}` : ''}{grid.metric.dataset ? ` (${grid.metric.dataset})` : ''}</h2>
                          <span className="muted small">mean ± 95% CI over seeds (Student t) · {grid.block === null ? (metric === 'cka' ? 'last block pair' : 'final block') : `${depthName(metric)} ${grid.block}`}{grid.at !== null ? ` · at step ≤ ${grid.at}` : ' · latest values'}</span>
                        </div>
                        <div className="toolbar">
                          <UrlSelect name="metric" label="Metric" value={metric} resets={['target', 'block']} options={(Object.keys(GRID_METRICS) as GridMetric[]).map((m) => ({ value: m, label: GRID_METRICS[m].label }))} testId="grid-metric" />
                          {options.length > 0 ? <UrlSelect name="target" label="Target" value={grid.metric.target ?? target ?? ''} options={options.map((t) => ({ value: t, label: t }))} testId="grid-target" /> : null}
                          <UrlSelect name="block" label="Block" value={block === null ? 'final' : String(block)} options={blockOptions} testId="grid-block" />
                        </div>
                        {cells.length === 0 ? <Empty>No cells: the sweep has no runs.</Empty> : <SweepGrid cells={cells} format={format} metricLabel={GRID_METRICS[metric].label} />}
                        {grid.cells.some((c) => c.values.some((v) => v.value !== null)) ? (
                          <details style={{ marginTop: 8 }}>
                            <summary className="small">Parallel coordinates of the runs</summary>
                            <ParallelChart
                              runs={grid.cells.flatMap((c) => c.values.flatMap((v) => (v.value === null ? [] : [{ name: `${c.modelSize} K=${c.blocks} ${modeLabel(c.mode)} seed ${v.seed}`, modelSize: c.modelSize, blocks: c.blocks, mode: c.mode, seed: v.seed, value: v.value }])))}
                              sizes={sortSizes(grid.modelSizes)} ks={grid.blocks} modes={MODE_ORDER.filter((m) => grid.modes.includes(m))}
                              metricLabel={GRID_METRICS[metric].label} percent={GRID_METRICS[metric].percent} testId="sweep-parallel" />
                          </details>
                        ) : null}
                        <p className="chart-note">Click a cell to open its runs. Marks count seeds without a value: running, failed, or missing (queued, cancelled, or not evaluated yet). The small line in each cell is its depth profile ({depthName(metric)} 1 → {depthCount}, one scale for all cells).</p>
                      </>
                    );
                  }}
                </Resolve>
              </Suspense>
            </section>

            <section className="panel" aria-labelledby="profiles-h">
              <div className="panel-head">
                <h2 id="profiles-h">Depth profiles</h2>
                <span className="muted small">{GRID_METRICS[metric].label} per {depthName(metric)}, mean with 95% CI band over seeds — E2E vs blockwise{metric === 'probe' ? '; dashed: chance level' : ''}; axes from 0</span>
              </div>
              <Suspense fallback={<PanelSkeleton height={260} />}>
                <Resolve data={Promise.all([main, perDepth, chance])}>
                  {([grid, { profiles }, references]) => (
                    <div className="grid-2">
                      {sortSizes(grid.modelSizes).flatMap((size) => grid.blocks.map((k) => {
                        const ds = depths.filter((d) => d <= (metric === 'cka' ? k - 1 : k));
                        const series: ProfileSeries[] = MODE_ORDER.filter((m) => grid.modes.includes(m)).map((m) => {
                          const p = profiles.get(`${size}|${k}|${m}`) ?? [];
                          return { name: modeLabel(m), mode: m, values: ds.map((d) => { const v = p[d - 1]; return v && v.mean != null ? { y: v.mean, low: v.ciLow, high: v.ciHigh, note: `n=${v.n}` } : null; }) };
                        });
                        return (
                          <figure key={`${size}-${k}`} style={{ margin: 0 }}>
                            <figcaption className="row small" style={{ justifyContent: 'space-between' }}>
                              <strong>{size}, K = {k}</strong>
                              <Link href={`/compare?${grid.modes.map((m) => `cell=${encodeURIComponent(cellParam({ sweepId: s.id, modelSize: size, blocks: k, mode: m }))}`).join('&')}&metric=${metric}`} data-testid="compare-cells">Compare these cells →</Link>
                            </figcaption>
                            <ProfileChart categories={ds.map((d) => (metric === 'cka' ? `${d}→${d + 1}` : `B${d}`))} series={series} references={references} label={`${GRID_METRICS[metric].label} by depth for ${size}, K=${k}`}
                              xName={depthName(metric)} yName={GRID_METRICS[metric].label} percent={GRID_METRICS[metric].percent} height={260} testId="sweep-profile" />
                          </figure>
                        );
                      }))}
                    </div>
                  )}
                </Resolve>
              </Suspense>
            </section>
          </div>
        );
      }}
    </Resolve>
  );
}
