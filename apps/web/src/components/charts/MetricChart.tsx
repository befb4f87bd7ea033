'use client';
// Training curves (e.g. per-block loss). The server renders the first, downsampled view; zooming
// re-queries the visible step range at full detail through /api/series (the route handler holds
// the API token), and while `live` the points the agent logs are pushed through /api/live and
// appended (no polling, no re-reading of the series). Each series
// shows the bucket's last value as a line and the bucket's min–max as a faint band, so spikes
// survive downsampling.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { EChart } from './EChart';
import { axisStyle, legendStyle, tooltipStyle, useChartTheme } from './useChartTheme';
import { categoryColor } from '@/lib/palette';
import { appendLivePoints, seriesId, seriesQuery, type LivePoint, type SeriesPayload, type SeriesRequest } from '@/lib/series';
import { useLiveEvents } from '../live/useLiveEvents';
import type { ApiErrorShape } from '@/lib/api-error';

export interface MetricChartProps {
  request: Omit<SeriesRequest, 'fromStep' | 'toStep'>;
  initial: SeriesPayload[];
  /** Legend name per series id (runId|key|block). */
  names: Record<string, string>;
  label: string;
  yName: string;
  live?: boolean;
  height?: number;
  testId?: string;
}

type Range = { from: number; to: number };

async function fetchSeries(request: SeriesRequest, signal?: AbortSignal): Promise<SeriesPayload[]> {
  const response = await fetch(`/api/series?${seriesQuery(request)}`, { signal, cache: 'no-store' });
  const body = (await response.json()) as { series?: SeriesPayload[]; error?: ApiErrorShape };
  if (!response.ok || !body.series) throw new Error(body.error?.message ?? `HTTP ${response.status}`);
  return body.series;
}

function extent(series: SeriesPayload[]): Range | null {
  let from = Infinity;
  let to = -Infinity;
  for (const s of series) {
    const first = s.points[0];
    const last = s.points[s.points.length - 1];
    if (first) from = Math.min(from, first[0]);
    if (last) to = Math.max(to, last[0]);
  }
  return Number.isFinite(from) ? { from, to } : null;
}

/** The first step a catch-up read needs: after the series' earliest last step (null: read all). */
function caughtUpFrom(series: SeriesPayload[]): number | null {
  let from = Infinity;
  for (const s of series) {
    const last = s.points[s.points.length - 1];
    if (!last) return null;
    from = Math.min(from, last[0] + 1);
  }
  return Number.isFinite(from) ? from : null;
}

function livePointsOf(series: SeriesPayload[]): LivePoint[] {
  return series.flatMap((s) => s.points.map(([step, value]) => ({ key: s.key, block: s.block, step, value })));
}

export function MetricChart({ request, initial, names, label, yName, live = false, height, testId }: MetricChartProps) {
  const theme = useChartTheme();
  const [overview, setOverview] = useState(initial);
  const [detail, setDetail] = useState<{ range: Range; series: SeriesPayload[] } | null>(null);
  const [zoom, setZoom] = useState<Range | null>(null);
  const [logY, setLogY] = useState(false);
  const [status, setStatus] = useState<string | null>(null);
  const requestKey = JSON.stringify(request);
  const zoomTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const zoomAbort = useRef<AbortController | null>(null);

  // A new server render (navigation, refresh) replaces the overview.
  const [renderedInitial, setRenderedInitial] = useState(initial);
  if (initial !== renderedInitial) {
    setRenderedInitial(initial);
    setOverview(initial);
  }

  // Live: points the agent logs are pushed (through /api/live) and appended to the overview.
  // When the stream is ready (first opened, or reconnected) the points logged since the
  // overview's last step are read once: the page was rendered before the stream subscribed.
  const liveRun = live && request.runIds.length === 1 ? request.runIds[0]! : null;
  const overviewRef = useRef(overview);
  useEffect(() => {
    overviewRef.current = overview;
  });
  useLiveEvents(liveRun ? `run=${liveRun}` : null, {
    metrics: (event) => {
      const { runId, points } = event as { runId: string; points: LivePoint[] };
      setOverview((current) => appendLivePoints(current, JSON.parse(requestKey) as SeriesRequest, runId, points));
    },
    ready: () => {
      if (!liveRun) return;
      const wanted = JSON.parse(requestKey) as SeriesRequest;
      const fromStep = caughtUpFrom(overviewRef.current);
      fetchSeries({ ...wanted, ...(fromStep !== null ? { fromStep } : {}) })
        .then((series) => setOverview((current) => appendLivePoints(current, wanted, liveRun, livePointsOf(series))))
        .catch((error: Error) => setStatus(`could not catch up with the live run: ${error.message}`));
    },
  });

  const full = extent(overview);

  const onZoomed = useCallback((range: Range) => {
    if (zoomTimer.current) clearTimeout(zoomTimer.current);
    const load = async () => {
      const whole = full && range.from <= full.from && range.to >= full.to;
      setZoom(whole ? null : range);
      if (whole) {
        setDetail(null);
        return;
      }
      zoomAbort.current?.abort();
      const controller = new AbortController();
      zoomAbort.current = controller;
      try {
        setStatus('loading detail…');
        const series = await fetchSeries({ ...(JSON.parse(requestKey) as SeriesRequest), fromStep: range.from, toStep: range.to }, controller.signal);
        setDetail({ range, series });
        setStatus(null);
      } catch (error) {
        if ((error as Error).name !== 'AbortError') setStatus(`could not load detail: ${(error as Error).message}`);
      }
    };
    zoomTimer.current = setTimeout(() => void load(), 250);
  }, [full, requestKey]);

  const shown = detail && zoom ? detail.series : overview;
  const option = useMemo(() => {
    const axis = axisStyle(theme);
    const series: object[] = [];
    const legend: string[] = [];
    // One run: a distinct qualitative colour per block (a one-hue ramp made neighbours
    // indistinguishable), the whole model in the text colour; a trivial reference dashed in its block's colour.
    const oneRun = new Set(shown.map((s) => s.runId)).size === 1;
    shown.forEach((s, i) => {
      const id = seriesId(s);
      const name = names[id] ?? `${s.key} ${s.block ?? 'model'}`;
      const color = oneRun ? (s.block === null ? theme.text : categoryColor(s.block - 1, theme.dark)) : theme.palette[i % theme.palette.length];
      const reference = s.key.endsWith('_trivial');
      legend.push(name);
      const hasSpread = !s.raw && s.points.some(([, , lo, hi]) => hi > lo);
      if (hasSpread && !logY) {
        series.push({ name, type: 'line', stack: `spread-${i}`, symbol: 'none', silent: true, color, lineStyle: { opacity: 0 }, tooltip: { show: false }, data: s.points.map(([step, , lo]) => [step, lo]) });
        series.push({ name, type: 'line', stack: `spread-${i}`, symbol: 'none', silent: true, color, lineStyle: { opacity: 0 }, tooltip: { show: false }, areaStyle: { color, opacity: theme.dark ? 0.2 : 0.14 }, data: s.points.map(([step, , lo, hi]) => [step, hi - lo]) });
      }
      series.push({
        name, type: 'line', symbol: 'none', color, lineStyle: { width: reference ? 1.2 : 1.6, color, type: reference ? 'dashed' : 'solid' }, itemStyle: { color },
        data: s.points.map(([step, value]) => [step, value]),
      });
    });
    const window = zoom ?? full;
    return {
      legend: { ...legendStyle(theme), top: 0, icon: 'roundRect', itemWidth: 14, itemHeight: 4, data: legend },
      tooltip: {
        ...tooltipStyle(theme), trigger: 'axis',
        valueFormatter: (v: number) => (typeof v === 'number' ? v.toPrecision(5) : String(v)),
      },
      grid: { left: 40, right: 24, top: 34, bottom: 58, containLabel: true },
      xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 24, min: 'dataMin', max: 'dataMax', ...axis, splitLine: { show: false } },
      yAxis: { type: logY ? 'log' : 'value', name: yName, nameLocation: 'middle', nameGap: 46, scale: true, ...axis },
      dataZoom: [
        { type: 'inside', xAxisIndex: 0, filterMode: 'none', ...(window ? { startValue: window.from, endValue: window.to } : {}) },
        { type: 'slider', xAxisIndex: 0, filterMode: 'none', height: 18, bottom: 6, borderColor: theme.border, textStyle: { color: theme.muted }, ...(window ? { startValue: window.from, endValue: window.to } : {}) },
      ],
      series,
    };
  }, [shown, names, theme, logY, yName, zoom, full]);

  const onReady = useCallback((chart: { off: (e: string) => void; on: (e: string, h: () => void) => void; getOption: () => unknown }) => {
    chart.off('datazoom');
    chart.on('datazoom', () => {
      const zoomOption = (chart.getOption() as { dataZoom?: Array<{ startValue?: number; endValue?: number }> }).dataZoom?.[0];
      if (zoomOption?.startValue !== undefined && zoomOption.endValue !== undefined) onZoomed({ from: zoomOption.startValue, to: zoomOption.endValue });
    });
  }, [onZoomed]);

  const pointCount = shown.reduce((n, s) => n + s.points.length, 0);
  const lastStep = extent(overview)?.to;
  return (
    <div>
      <div className="row small muted" style={{ justifyContent: 'space-between', marginBottom: 4 }}>
        <span data-testid={testId ? `${testId}-summary` : undefined}>
          {shown.length} series · {pointCount.toLocaleString('en-US')} points{detail && zoom ? ' (full detail for the zoomed range)' : shown.some((s) => !s.raw) ? ' (downsampled: line = last, band = min–max per bucket)' : ''}
          {lastStep !== undefined ? <> · last step <span className="num" data-testid={testId ? `${testId}-last-step` : undefined}>{lastStep}</span></> : null}
          {live ? <span className="badge s-RUNNING" style={{ marginLeft: 8 }}>live</span> : null}
        </span>
        <span className="row">
          {status ? <span role="status">{status}</span> : null}
          {zoom ? <button type="button" className="btn small" onClick={() => { setZoom(null); setDetail(null); }}>Reset zoom</button> : null}
          <button type="button" className="btn small" aria-pressed={logY} onClick={() => setLogY((v) => !v)}>log y</button>
        </span>
      </div>
      {overview.length === 0 ? (
        <div className="empty">No points logged yet{live ? ' — waiting for the first metrics' : ''}.</div>
      ) : (
        <EChart option={option} label={label} height={height} onReady={onReady} testId={testId} />
      )}
    </div>
  );
}
