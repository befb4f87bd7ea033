// Training curves of one run: the chosen metric key, one series per block (plus the whole
// model), downsampled by the server; while the run is running, new points are pushed and appended.
// The loss is drawn with its trivial reference (`loss_trivial`: every masked patch predicted as its
// own mean, on the same masks), so a curve sitting on its reference shows a model that learned
// nothing beyond the trivial answer.
import { MetricChart } from '../charts/MetricChart';
import { UrlSelect } from '../ui/UrlSelect';
import { Empty } from '../ui/States';
import { getMetricKeys, getSeries } from '@/lib/data/series';
import { seriesId, type SeriesRequest } from '@/lib/series';

export const CURVE_POINTS = 600;
/** The trainer's trivial-predictor reference for `loss`, logged with the same blocks. */
const TRIVIAL_KEY = 'loss_trivial';

export async function RunCurves({ runId, keyParam, live }: { runId: string; keyParam: string | undefined; live: boolean }) {
  const infos = await getMetricKeys([runId]);
  const keys = [...new Set(infos.map((i) => i.key))].sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : a.localeCompare(b)));
  if (keys.length === 0) {
    return live
      ? <MetricChart request={{ runIds: [runId], keys: ['loss'], blocks: [], maxPoints: CURVE_POINTS }} initial={[]} names={{}} label="Training loss" yName="loss" live testId="run-curves" />
      : <Empty>This run has not logged any metrics.</Empty>;
  }
  const key = keyParam && keys.includes(keyParam) ? keyParam : keys[0]!;
  const withReference = key === 'loss' && keys.includes(TRIVIAL_KEY);
  const request: SeriesRequest = { runIds: [runId], keys: withReference ? [key, TRIVIAL_KEY] : [key], blocks: [], maxPoints: CURVE_POINTS };
  const initial = await getSeries(request);
  const names: Record<string, string> = {};
  for (const s of initial) {
    const where = s.block === null ? 'whole model' : `block ${s.block}`;
    names[seriesId(s)] = s.key === TRIVIAL_KEY ? `${where}: trivial reference` : where;
  }
  initial.sort((a, b) => (a.block ?? 0) - (b.block ?? 0) || a.key.localeCompare(b.key));
  return (
    <div>
      <div className="toolbar" style={{ marginBottom: 6 }}>
        <UrlSelect name="key" label="Metric" value={key} options={keys.map((k) => ({ value: k, label: k }))} testId="curve-key" />
      </div>
      <MetricChart request={request} initial={initial} names={names} label={withReference ? 'loss per block over training steps, with each block\'s trivial reference (masked patches predicted as their own mean)' : `${key} per block over training steps`} yName={key} live={live} testId="run-curves" />
      <p className="chart-note">Drag or scroll on the chart to zoom: the visible range is re-read at full detail.</p>
    </div>
  );
}
