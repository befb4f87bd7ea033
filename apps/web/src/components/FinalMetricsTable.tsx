// Final metrics of 2–6 compared items: mean [95% CI] per item, and the difference to the first
// item (A) with Welch's 95% CI when both sides have seeds. A delta is coloured better/worse only
// when its interval excludes zero; with one seed on a side there is no interval and no verdict.
import { deltaVerdict, summarizeFromStats, welchDelta, type Summary } from '@/lib/stats';
import { fmt, fmtDelta, fmtPercent } from '@/lib/format';

export interface FinalMetricRow {
  label: string;
  percent: boolean;
  higherIsBetter: boolean | null;
  /** One per item; null when the item has no value. */
  values: Array<Summary | null>;
  /** Why a row is empty, e.g. the API's message. */
  note?: string;
}

export function FinalMetricsTable({ names, rows }: { names: string[]; rows: FinalMetricRow[] }) {
  return (
    <div className="table-wrap">
      <table className="data" data-testid="final-metrics">
        <thead>
          <tr>
            <th>Metric</th>
            {names.map((n, i) => <th key={i} className="r">{n}</th>)}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const show = (v: number | null) => (row.percent ? fmtPercent(v) : fmt(v, 4));
            const showDelta = (v: number | null) => (row.percent ? (v == null ? '—' : `${v >= 0 ? '+' : '−'}${(Math.abs(v) * 100).toFixed(1)} pp`) : fmtDelta(v, 4));
            const a = row.values[0] ?? null;
            return (
              <tr key={row.label}>
                <td>{row.label}{row.note ? <div className="muted small">{row.note}</div> : null}</td>
                {row.values.map((s, i) => {
                  if (!s || s.mean === null) return <td key={i} className="r muted">—</td>;
                  const ci = s.ciLow !== null && s.ciHigh !== null ? <div className="muted small num">[{show(s.ciLow)}, {show(s.ciHigh)}] n={s.n}</div> : <div className="muted small">n={s.n}</div>;
                  let delta: React.ReactNode = null;
                  if (i > 0 && a && a.mean !== null) {
                    const d = welchDelta(s, a);
                    const verdict = deltaVerdict(d, row.higherIsBetter);
                    const colour = verdict === 'better' ? 'delta-pos' : verdict === 'worse' ? 'delta-neg' : '';
                    delta = (
                      <div className={`small num ${colour}`} data-testid="final-delta" data-verdict={verdict}>
                        Δ {showDelta(d.delta)}{d.ciLow !== null && d.ciHigh !== null ? <span className="muted"> [{showDelta(d.ciLow)}, {showDelta(d.ciHigh)}]</span> : null}
                        {verdict === 'no-interval' && d.delta !== null ? <div className="muted" data-testid="no-interval">{Math.min(s.n, a.n) === 1 ? '1 seed: no interval' : 'no interval'}</div> : null}
                      </div>
                    );
                  }
                  return <td key={i} className="r"><span className="num" data-testid="final-value">{show(s.mean)}</span>{ci}{delta}</td>;
                })}
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="chart-note">Δ = item − A. Intervals: 95% Student t over seeds; for Δ, Welch's interval (shown when both sides have ≥ 2 seeds). Green/red only where the interval excludes 0.</p>
    </div>
  );
}

export { summarizeFromStats };
