// A run's depth profile at one checkpoint: the value of each evaluation per block boundary —
// where information becomes (linearly) decodable. One family at a time (probes, retrieval,
// geometry; geometry one metric at a time, as their scales differ), picked in the URL, with the
// probes' chance levels drawn as reference lines.
import { ProfileChart, type ProfileSeries } from '../charts/ProfileChart';
import { Empty } from '../ui/States';
import { UrlSelect } from '../ui/UrlSelect';
import {
  chanceLevels, depthLabel, describeSeries, isFraction, pivot, PROFILE_FAMILIES, profileFamily,
  type EvaluationRow, type ProfileFamily,
} from '@/lib/evaluations';

export function RunDepthProfile({ rows, step, family: requested, geometryMetric }: {
  rows: EvaluationRow[];
  step: number;
  family: string | undefined;
  geometryMetric: string | undefined;
}) {
  const atStep = rows.filter((r) => r.step === step && r.depthUnit !== 'MODEL');
  const families = (Object.keys(PROFILE_FAMILIES) as ProfileFamily[]).filter((f) => atStep.some((r) => profileFamily(r) === f));
  if (families.length === 0) return <Empty>No per-block evaluations at step {step}.</Empty>;
  const family = families.includes(requested as ProfileFamily) ? (requested as ProfileFamily) : families[0]!;
  let shown = atStep.filter((r) => profileFamily(r) === family);
  const geometryMetrics = family === 'geometry' ? [...new Set(shown.map((r) => r.metric))].sort() : [];
  const metric = family === 'geometry' ? (geometryMetrics.includes(geometryMetric ?? '') ? geometryMetric! : geometryMetrics[0]!) : null;
  if (metric !== null) shown = shown.filter((r) => r.metric === metric);
  const { tables } = pivot(shown, step);
  const unit = tables[0]!.series.depthUnit;
  const depths = [...new Set(tables.flatMap((t) => [...t.byDepth.keys()]))].sort((a, b) => a - b);
  const series: ProfileSeries[] = tables.map((t) => ({
    name: describeSeries(t.series),
    values: depths.map((d) => {
      const r = t.byDepth.get(d);
      return r ? { y: r.value, low: r.ciLow ?? null, high: r.ciHigh ?? null } : null;
    }),
  }));
  const percent = tables.every((t) => isFraction(t.series.metric));
  const references = family === 'probe' ? chanceLevels(rows, step) : [];
  const yName = family === 'probe' ? 'accuracy' : family === 'retrieval' ? 'mAP / hit rate' : metric!;
  return (
    <div data-testid="depth-profile" data-family={family}>
      <div className="toolbar" style={{ marginBottom: 6 }}>
        <UrlSelect name="family" label="Family" value={family} resets={['gmetric']} options={families.map((f) => ({ value: f, label: PROFILE_FAMILIES[f].label }))} testId="profile-family" />
        {metric !== null ? <UrlSelect name="gmetric" label="Metric" value={metric} options={geometryMetrics.map((m) => ({ value: m, label: m }))} testId="profile-geometry-metric" /> : null}
      </div>
      <ProfileChart categories={depths.map((d) => depthLabel(unit, d))} series={series} references={references} percent={percent}
        label={`${PROFILE_FAMILIES[family].label} depth profile at step ${step}`} xName={unit === 'LAYER' ? 'layer' : 'block'} yName={yName} testId="run-depth-profile" />
      {family === 'probe' ? (
        <p className="chart-note" data-testid="chance-note">
          {references.length ? `Dashed: chance level (1 / classes of the target). ` : 'No chance level reported for these probes (runs evaluated before it was recorded). '}
          The axis starts at 0.
        </p>
      ) : null}
    </div>
  );
}
