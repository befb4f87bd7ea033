// Evaluations at one checkpoint: one row per (kind, metric, target, dataset), one column per depth.
import { depthLabel, describeSeries, isFraction, pivot, type EvaluationRow } from '@/lib/evaluations';
import { fmt, fmtPercent } from '@/lib/format';
import { Empty } from '../ui/States';

export function EvaluationsTable({ rows, step }: { rows: EvaluationRow[]; step: number }) {
  const { depths, tables } = pivot(rows, step);
  if (tables.length === 0) return <Empty>No evaluations at step {step}.</Empty>;
  const unit = tables[0]!.series.depthUnit;
  return (
    <div className="table-wrap">
      <table className="data" data-testid="evaluations-table">
        <thead>
          <tr>
            <th>Evaluation</th>
            {depths.map((d) => <th key={d} className="r">{depthLabel(unit, d)}</th>)}
          </tr>
        </thead>
        <tbody>
          {tables.map((t) => (
            <tr key={t.key}>
              <td>{describeSeries(t.series)}</td>
              {depths.map((d) => {
                const r = t.byDepth.get(d);
                const show = (v: number | null | undefined) => (isFraction(t.series.metric) ? fmtPercent(v) : fmt(v));
                return (
                  <td key={d} className="r num" title={r && r.ciLow != null && r.ciHigh != null ? `95% CI [${show(r.ciLow)}, ${show(r.ciHigh)}]` : undefined}>
                    {r ? show(r.value) : <span className="muted">—</span>}
                    {r?.std != null ? <span className="muted small"> ±{show(r.std)}</span> : null}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
