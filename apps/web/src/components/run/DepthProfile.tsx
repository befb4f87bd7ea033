// A run's depth profile at one checkpoint: the value of each evaluation per block boundary —
// where information becomes (linearly) decodable.
import { ProfileChart, type ProfileSeries } from '../charts/ProfileChart';
import { Empty } from '../ui/States';
import { depthLabel, describeSeries, isFraction, pivot, type EvaluationRow } from '@/lib/evaluations';

export function RunDepthProfile({ rows, step }: { rows: EvaluationRow[]; step: number }) {
  const { tables } = pivot(rows.filter((r) => r.depthUnit !== 'MODEL' && (isFraction(r.metric) || /map/i.test(r.metric))), step);
  if (tables.length === 0) return <Empty>No per-block accuracy or mAP evaluations at step {step}.</Empty>;
  const unit = tables[0]!.series.depthUnit;
  const depths = [...new Set(tables.flatMap((t) => [...t.byDepth.keys()]))].sort((a, b) => a - b);
  const series: ProfileSeries[] = tables.map((t) => ({
    name: describeSeries(t.series),
    values: depths.map((d) => {
      const r = t.byDepth.get(d);
      return r ? { y: r.value, low: r.ciLow ?? null, high: r.ciHigh ?? null } : null;
    }),
  }));
  return (
    <ProfileChart categories={depths.map((d) => depthLabel(unit, d))} series={series} label={`Depth profile at step ${step}`}
      xName={unit === 'LAYER' ? 'layer' : 'block'} yName="accuracy / mAP" testId="run-depth-profile" />
  );
}
