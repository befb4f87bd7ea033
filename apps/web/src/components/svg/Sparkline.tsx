// Tiny server-rendered line charts (no JS): the small multiples of depth profiles in sweep grid
// cells. Lines share a y range passed by the caller so cells are comparable.

export interface SparkSeries {
  /** CSS colour, e.g. var(--mode-e2e). */
  color: string;
  values: Array<number | null>;
  low?: Array<number | null>;
  high?: Array<number | null>;
}

export function Sparkline({ series, yMin, yMax, width = 120, height = 36, title }: {
  series: SparkSeries[];
  yMin: number;
  yMax: number;
  width?: number;
  height?: number;
  title: string;
}) {
  const pad = 3;
  const n = Math.max(1, ...series.map((s) => s.values.length));
  const x = (i: number) => pad + (n === 1 ? (width - 2 * pad) / 2 : (i * (width - 2 * pad)) / (n - 1));
  const span = yMax - yMin || 1;
  const y = (v: number) => height - pad - ((v - yMin) / span) * (height - 2 * pad);
  return (
    <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={title}>
      <title>{title}</title>
      <line x1={pad} x2={width - pad} y1={height - pad} y2={height - pad} stroke="var(--grid-line)" />
      {series.map((s, si) => {
        const band: string[] = [];
        if (s.low && s.high) {
          const upper: string[] = [];
          const lower: string[] = [];
          s.values.forEach((_, i) => {
            const lo = s.low?.[i];
            const hi = s.high?.[i];
            if (lo != null && hi != null) {
              upper.push(`${x(i).toFixed(1)},${y(hi).toFixed(1)}`);
              lower.unshift(`${x(i).toFixed(1)},${y(lo).toFixed(1)}`);
            }
          });
          if (upper.length > 1) band.push([...upper, ...lower].join(' '));
        }
        const points = s.values.flatMap((v, i) => (v == null ? [] : [`${x(i).toFixed(1)},${y(v).toFixed(1)}`]));
        return (
          <g key={si}>
            {band.map((p, bi) => <polygon key={bi} points={p} fill={s.color} opacity={0.15} />)}
            {points.length > 1 ? <polyline points={points.join(' ')} fill="none" stroke={s.color} strokeWidth={1.6} strokeLinejoin="round" /> : null}
            {s.values.map((v, i) => (v == null ? null : <circle key={i} cx={x(i)} cy={y(v)} r={1.8} fill={s.color} />))}
          </g>
        );
      })}
    </svg>
  );
}
