import type { Metadata } from 'next';
import Form from 'next/form';
import Link from 'next/link';
import { Suspense } from 'react';
import { HeatmapChart } from '@/components/charts/HeatmapChart';
import { ProfileChart, type ProfileSeries } from '@/components/charts/ProfileChart';
import { ConfigDiff } from '@/components/ConfigDiff';
import { FinalMetricsTable, type FinalMetricRow } from '@/components/FinalMetricsTable';
import { Resolve } from '@/components/ui/Resolve';
import { Empty, ErrorPanel, PanelSkeleton } from '@/components/ui/States';
import { UrlSelect } from '@/components/ui/UrlSelect';
import { describeError, isApiError, type ApiErrorShape } from '@/lib/api-error';
import { compareHrefWithout, parseCompareItems, type CompareItem } from '@/lib/compare-items';
import { getCrossCka, getDepthProfile, getItemMatrices, itemMatrix, partitionOf, readAtSharedK, resolveItem, type ResolvedItem } from '@/lib/data/compare';
import { depthAxis, layersOf } from '@/lib/depth-axis';
import { modeLabel } from '@/lib/format';
import { consecutive, difference, type LabeledMatrix } from '@/lib/matrix';
import { notFoundUnlessFound } from '@/lib/not-found';
import { int, one, oneOf, type SearchParams } from '@/lib/params';
import { summarize, summarizeFromStats, type Summary } from '@/lib/stats';
import { GRID_METRICS, selectorFor, type GridMetric } from '@/lib/sweep-metrics';

export const metadata: Metadata = { title: 'Compare' };

type Outcome<T> = { ok: true; value: T } | { ok: false; error: ApiErrorShape };
const settle = <T,>(p: Promise<T>): Promise<Outcome<T>> => p.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error: describeError(error) }));

/** Series styling: regime colour; a second item of the same regime is dashed; all-same-regime → palette. */
function styles(items: ResolvedItem[]) {
  const sameMode = items.every((it) => it.mode === items[0]?.mode);
  const seen = new Map<string, number>();
  return items.map((it) => {
    const count = seen.get(it.mode) ?? 0;
    seen.set(it.mode, count + 1);
    return sameMode ? { dashed: false } : { mode: it.mode, dashed: count % 2 === 1 };
  });
}

interface DepthPoint extends Summary { depth: number }

/** Consecutive-block CKA per pair k (k → k+1) over an item's runs, from their matrices. */
function ckaPoints(matrices: LabeledMatrix[]): DepthPoint[] {
  const byPair = new Map<number, number[]>();
  for (const m of matrices) consecutive(m).forEach((p, k) => {
    if (p.value !== null) byPair.set(k + 1, [...(byPair.get(k + 1) ?? []), p.value]);
  });
  return [...byPair].sort(([a], [b]) => a - b).map(([depth, values]) => ({ depth, ...summarize(values) }));
}

/** The deepest point with a value (the final block; E2E's training loss lives at depth 0 only). */
function finalPoint(points: DepthPoint[] | null): Summary | null {
  if (!points) return null;
  const withValue = points.filter((p) => p.mean !== null);
  const blocks = withValue.filter((p) => p.depth > 0);
  return (blocks.length ? blocks : withValue).at(-1) ?? null;
}

function profileSeries(items: ResolvedItem[], perItem: Array<DepthPoint[] | null>, pairs: boolean) {
  const usable = perItem.map((points) => (points ?? []).filter((pt) => pt.mean !== null && (pairs || pt.depth > 0 || (points ?? []).every((q) => q.depth === 0))));
  const axis = depthAxis(items.map((it) => ({ blocks: it.blocks, layers: layersOf(it.config) })), usable.map((pts) => pts.map((p) => p.depth)), pairs);
  const style = styles(items);
  const series: ProfileSeries[] = items.map((it, i) => {
    const values: ProfileSeries['values'] = axis.categories.map(() => null);
    for (const pt of usable[i] ?? []) {
      const at = axis.index(i, pt.depth);
      if (at !== undefined && pt.mean !== null) values[at] = { y: pt.mean, low: pt.ciLow, high: pt.ciHigh, note: `n=${pt.n}` };
    }
    return { name: `${String.fromCharCode(65 + i)} · ${it.label}`, ...style[i], values };
  });
  return { axis, series };
}

export default async function ComparePage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const { items, problems } = parseCompareItems(params);
  const metric = oneOf(params, 'metric', Object.keys(GRID_METRICS) as GridMetric[], 'probe');
  const target = one(params, 'target');
  const rest = new URLSearchParams(Object.entries(params).flatMap(([k, v]) => (v === undefined || k === 'run' || k === 'cell' ? [] : (Array.isArray(v) ? v : [v]).map((x) => [k, x] as [string, string])))).toString();

  if (items.length < 2) {
    return (
      <div className="stack">
        <h1>Compare</h1>
        {problems.length ? <div className="error-box" role="alert">{problems.join('; ')}</div> : null}
        <Empty>
          Pick 2–6 runs in the <Link href="/runs">runs table</Link> (tick them, then “Compare”), or open a sweep and use “Compare these cells” under its depth profiles.
          {items.length === 1 ? <> One is chosen so far.</> : null}
        </Empty>
        <AddRunForm items={items} rest={rest} />
      </div>
    );
  }

  const resolved = Promise.all(items.map(resolveItem)).then(readAtSharedK);
  // Evaluation targets the items report, per kind; the default is "action", else the first.
  const targetOptions = (m: 'probe' | 'map') => resolved.then((its) => [...new Set(its.flatMap((it) => it.targets[m === 'probe' ? 'LINEAR_PROBE' : 'KNN_RETRIEVAL'] ?? []))].sort());
  const defaultTarget = (options: string[]) => (options.includes('action') ? 'action' : options[0]);
  // Started with the page (they need only the URL), not after the items resolve. Without a target
  // in the URL the API picks the only one; when there are several it says so, and the default decides.
  // An E2E run beside blockwise items is read at their K (readAtSharedK), known once the items resolve.
  const partitionAt = (i: number) => resolved.then((its) => partitionOf(its[i]!), () => null);
  const profileOf = (m: 'probe' | 'map' | 'loss') => Promise.all(items.map((item, i) => settle(partitionAt(i).then((partition) =>
    getDepthProfile(item, selectorFor(m, m === 'loss' ? undefined : target), partition).catch(async (error: unknown) => {
      if (m === 'loss' || target || !isApiError(error) || error.code !== 'BAD_USER_INPUT' || !/target/.test(error.message)) throw error;
      const chosen = defaultTarget(await targetOptions(m));
      if (!chosen) throw error;
      return getDepthProfile(item, selectorFor(m, chosen), partition);
    })),
  )));
  const profiles = Promise.all([profileOf('probe'), profileOf('map'), profileOf('loss')]);
  const A = int(params, 'a') ?? 0;
  const B = int(params, 'b') ?? 1;
  await notFoundUnlessFound(resolved); // before anything streams: a missing run or sweep is a 404
  return (
    <div className="stack">
      <div className="page-head">
        <div>
          <h1>Compare</h1>
          <p className="muted" style={{ margin: 0 }}>{items.length} {items.every((i) => i.type === 'cell') ? 'grid cells (aggregated over seeds)' : items.every((i) => i.type === 'run') ? 'runs' : 'runs and cells'}</p>
        </div>
        <AddRunForm items={items} rest={rest} />
      </div>
      {problems.length ? <div className="error-box" role="alert">{problems.join('; ')}</div> : null}
      <Resolve data={resolved} notFoundOnMissing>
        {(its) => {
          // Probe, mAP and loss profiles from the API (cells: over seeds); CKA from the runs' matrices.
          const matrices = Promise.all(its.map((it) => settle(getItemMatrices(it))));
          const a = its[Math.min(A, its.length - 1)]!;
          const b = its[Math.min(B, its.length - 1)]!;
          const cross = a.runIds.length === 1 && b.runIds.length === 1 ? settle(getCrossCka(a.runIds[0]!, b.runIds[0]!)) : Promise.resolve(null);
          return (
            <>
              <section className="panel" aria-label="Compared items">
                <ol className="stack" style={{ gap: 4, margin: 0, paddingLeft: 22 }} data-testid="compare-items">
                  {its.map((it, i) => (
                    <li key={i} className="row">
                      <strong>{String.fromCharCode(65 + i)}</strong>
                      <Link href={it.href}>{it.label}</Link>
                      <span className={`mode-${it.mode} small`}>{modeLabel(it.mode)}</span>
                      <span className="muted small">{it.modelSize} · K={it.blocks}{it.partitions.length > 1 ? ` (trained once, evaluated at K=${it.partitions.join(', ')})` : ''} · seeds {it.seeds.join(', ')}</span>
                      <Link className="btn small" href={compareHrefWithout(items, i, rest)} aria-label={`Remove ${it.label} from the comparison`}>remove</Link>
                    </li>
                  ))}
                </ol>
              </section>

              <Suspense fallback={<PanelSkeleton height={340} />}>
                <Resolve data={Promise.all([profiles, matrices, metric === 'probe' || metric === 'map' ? targetOptions(metric) : Promise.resolve([] as string[])])}>
                  {([[probe, map, loss], mats, evalTargets]) => {
                    const points = (list: Array<Outcome<{ points: DepthPoint[] }>>) => list.map((p) => (p.ok ? p.value.points.map((pt) => ({ ...summarizeFromStats(pt), depth: pt.depth })) : null));
                    const cka = mats.map((m) => (m.ok ? ckaPoints(m.value) : null));
                    const byMetric = { probe: points(probe), map: points(map), loss: points(loss), cka };
                    const chart = profileSeries(its, byMetric[metric], metric === 'cka');
                    const ckaChart = profileSeries(its, cka, true);
                    const errorOf = (list: Array<Outcome<unknown>>) => list.find((p): p is { ok: false; error: ApiErrorShape } => !p.ok)?.error;
                    const chosenError = metric === 'cka' ? errorOf(mats) : errorOf({ probe, map, loss }[metric]);
                    const shownList = metric === 'map' ? map : probe;
                    const shown = shownList.find((p) => p.ok && p.value.metric.target);
                    const shownTarget = shown?.ok ? shown.value.metric.target : null;
                    const rows: FinalMetricRow[] = [
                      { label: `${GRID_METRICS.probe.label}, final block`, percent: true, higherIsBetter: true, values: byMetric.probe.map(finalPoint), note: errorOf(probe)?.message },
                      { label: `${GRID_METRICS.map.label}, final block`, percent: false, higherIsBetter: true, values: byMetric.map.map(finalPoint), note: errorOf(map)?.message },
                      { label: `${GRID_METRICS.loss.label} (last block trained)`, percent: false, higherIsBetter: false, values: byMetric.loss.map(finalPoint), note: errorOf(loss)?.message },
                      { label: 'Linear CKA, last block pair', percent: false, higherIsBetter: null, values: cka.map(finalPoint), note: errorOf(mats)?.message },
                    ];
                    return (
                      <>
                        <section className="panel" aria-labelledby="profile-h">
                          <div className="panel-head">
                            <h2 id="profile-h">Depth profiles</h2>
                            <span className="muted small">{GRID_METRICS[metric].label}{metric !== 'loss' && metric !== 'cka' && shownTarget ? ` · ${shownTarget}` : ''} per {chart.axis.name}; bands = 95% CI over seeds</span>
                          </div>
                          <div className="toolbar">
                            <UrlSelect name="metric" label="Metric" value={metric} resets={['target']} options={(Object.keys(GRID_METRICS) as GridMetric[]).map((m) => ({ value: m, label: GRID_METRICS[m].label }))} testId="compare-metric" />
                            {(metric === 'probe' || metric === 'map') && evalTargets.length > 1 ? (
                              <UrlSelect name="target" label="Target" value={shownTarget ?? target ?? ''} options={evalTargets.map((t) => ({ value: t, label: t }))} testId="compare-target" />
                            ) : null}
                          </div>
                          {chosenError ? <ErrorPanel error={chosenError} title="Some items have no such values" /> : null}
                          <ProfileChart categories={chart.axis.categories} series={chart.series} label="Overlaid depth profiles" xName={chart.axis.name} yName={GRID_METRICS[metric].label} percent={GRID_METRICS[metric].percent} height={360} testId="compare-profile" />
                        </section>
                        <div className="grid-2">
                          <section className="panel" aria-labelledby="ckacurve-h">
                            <div className="panel-head"><h2 id="ckacurve-h">Consecutive-block CKA</h2><span className="muted small">linear CKA between blocks k and k+1 (mean over seeds)</span></div>
                            {cka.every((c) => !c || c.length === 0) ? <Empty>No CKA matrices reported for these runs.</Empty> : (
                              <ProfileChart categories={ckaChart.axis.categories} series={ckaChart.series} label="Consecutive-block CKA curves" xName={ckaChart.axis.name} yName="linear CKA" height={300} testId="compare-cka-curves" />
                            )}
                          </section>
                          <section className="panel" aria-labelledby="final-h">
                            <div className="panel-head"><h2 id="final-h">Final metrics</h2></div>
                            <FinalMetricsTable names={its.map((_, i) => String.fromCharCode(65 + i))} rows={rows} />
                          </section>
                        </div>
                      </>
                    );
                  }}
                </Resolve>
              </Suspense>

              <section className="panel" aria-labelledby="ckadiff-h">
                <div className="panel-head">
                  <h2 id="ckadiff-h">CKA difference {String.fromCharCode(65 + its.indexOf(a))} − {String.fromCharCode(65 + its.indexOf(b))}</h2>
                  <div className="toolbar" style={{ margin: 0 }}>
                    <UrlSelect name="a" label="Minuend" value={String(its.indexOf(a))} options={its.map((it, i) => ({ value: String(i), label: `${String.fromCharCode(65 + i)} · ${it.label}` }))} />
                    <UrlSelect name="b" label="Subtrahend" value={String(its.indexOf(b))} options={its.map((it, i) => ({ value: String(i), label: `${String.fromCharCode(65 + i)} · ${it.label}` }))} />
                  </div>
                </div>
                <Suspense fallback={<PanelSkeleton height={300} />}>
                  <Resolve data={Promise.all([matrices, cross])}>
                    {([mats, crossMatrix]) => {
                      const ma = mats[its.indexOf(a)]!;
                      const mb = mats[its.indexOf(b)]!;
                      if (!ma.ok) return <ErrorPanel error={ma.error} />;
                      if (!mb.ok) return <ErrorPanel error={mb.error} />;
                      const ia = itemMatrix(ma.value);
                      const ib = itemMatrix(mb.value);
                      const d = ia && ib ? difference(ia.matrix, ib.matrix) : null;
                      return (
                        <div className="grid-2">
                          <div>
                            {!ia || !ib ? <Empty>Both sides need a reported CKA matrix.</Empty> : !d ? <Empty>The matrices have different blocks (K={a.blocks} vs K={b.blocks}); compare the consecutive-block curves instead.</Empty> : (
                              <HeatmapChart rowLabels={d.rowLabels} colLabels={d.colLabels} values={d.values} diverging label="CKA difference A − B" rowName="block" colName="block" valueName="ΔCKA" testId="compare-cka-diff" />
                            )}
                            <p className="chart-note">Blue: more similar in {String.fromCharCode(65 + its.indexOf(a))}; red: more similar in {String.fromCharCode(65 + its.indexOf(b))}. Cells average the matrices of their seeds{ia && ib ? ` (${ia.n} and ${ib.n})` : ''}.</p>
                          </div>
                          <div>
                            <h3>Cross-run CKA {String.fromCharCode(65 + its.indexOf(a))} × {String.fromCharCode(65 + its.indexOf(b))}</h3>
                            {crossMatrix === null ? <Empty>Cross-run CKA is defined between two runs (not grid cells).</Empty>
                              : !crossMatrix.ok ? <ErrorPanel error={crossMatrix.error} />
                              : !crossMatrix.value ? <Empty>Not computed for this pair yet (an agent runs COMPARE jobs for it).</Empty>
                              : <HeatmapChart rowLabels={crossMatrix.value.rowLabels} colLabels={crossMatrix.value.colLabels} values={crossMatrix.value.values} label="Cross-run CKA" rowName={`blocks of ${String.fromCharCode(65 + its.indexOf(a))}`} colName={`blocks of ${String.fromCharCode(65 + its.indexOf(b))}`} valueName="CKA" testId="compare-cross-cka" />}
                          </div>
                        </div>
                      );
                    }}
                  </Resolve>
                </Suspense>
              </section>

              <section className="panel" aria-labelledby="diff-h">
                <div className="panel-head"><h2 id="diff-h">Config differences</h2><span className="muted small">only keys whose values differ{its.some((i) => i.item.type === 'cell') ? ' (cells: their first run, seed left out)' : ''}</span></div>
                <ConfigDiff names={its.map((it, i) => `${String.fromCharCode(65 + i)} · ${it.label}`)} configs={its.map((it) => it.config)} />
              </section>
            </>
          );
        }}
      </Resolve>
    </div>
  );
}

function AddRunForm({ items, rest }: { items: CompareItem[]; rest: string }) {
  const keep = new URLSearchParams(rest);
  return (
    <Form action="/compare" className="row" aria-label="Add a run to the comparison">
      {items.map((it, i) => (it.type === 'run'
        ? <input key={i} type="hidden" name="run" value={it.id} />
        : <input key={i} type="hidden" name="cell" value={`${it.sweepId}:${it.modelSize}:${it.blocks}:${it.mode}`} />))}
      {[...keep].map(([k, v], i) => <input key={`k${i}`} type="hidden" name={k} value={v} />)}
      <label className="field">Add a run by id<input type="text" name="run" placeholder="run id" size={38} pattern="[0-9a-fA-F-]{36}" /></label>
      <button type="submit" className="btn">Add</button>
    </Form>
  );
}
