// Training curves of one run: the chosen metric key, one series per block (plus the whole
// model), downsampled by the server; while the run is running, new points are pushed and appended.
import { MetricChart } from '../charts/MetricChart';
import { UrlSelect } from '../ui/UrlSelect';
import { Empty } from '../ui/States';
import { getMetricKeys, getSeries } from '@/lib/data/series';
import { seriesId, type SeriesRequest } from '@/lib/series';

export const CURVE_POINTS = 600;

export async function RunCurves({ runId, keyParam, live }: { runId: string; keyParam: string | undefined; live: boolean }) {
  const infos = await getMetricKeys([runId]);
  const keys = [...new Set(infos.map((i) => i.key))].sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : a.localeCompare(b)));
  if (keys.length === 0) {
    return live
      ? <MetricChart request={{ runIds: [runId], keys: ['loss'], blocks: [], maxPoints: CURVE_POINTS }} initial={[]} names={{}} label="Training loss" yName="loss" live testId="run-curves" />
      : <Empty>This run has not logged any metrics.</Empty>;
  }
  const key = keyParam && keys.includes(keyParam) ? keyParam : keys[0]!;
  const request: SeriesRequest = { runIds: [runId], keys: [key], blocks: [], maxPoints: CURVE_POINTS };
  const initial = await getSeries(request);
  const names: Record<string, string> = {};
  for (const s of initial) names[seriesId(s)] = s.block === null ? 'whole model' : `block ${s.block}`;
  initial.sort((a, b) => (a.block ?? 0) - (b.block ?? 0));
  return (
    <div>
      <div className="toolbar" style={{ marginBottom: 6 }}>
        <UrlSelect name="key" label="Metric" value={key} options={keys.map((k) => ({ value: k, label: k }))} testId="curve-key" />
      </div>
      <MetricChart request={request} initial={initial} names={names} label={`${key} per block over training steps`} yName={key} live={live} testId="run-curves" />
      <p className="chart-note">Drag or scroll on the chart to zoom: the visible range is re-read at full detail.</p>
    </div>
  );
}
