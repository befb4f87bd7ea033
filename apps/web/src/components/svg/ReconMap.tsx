// Reconstruction error per token position over the (t, h, w) token grid, one h×w tile per time
// slice, server-rendered SVG with a shared colour scale and a per-cell tooltip (<title>).

function colour(t: number): string {
  // A perceptually ordered ramp (viridis-like) — readable in both themes.
  const stops = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];
  const x = Math.min(1, Math.max(0, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i]!;
  const b = stops[i + 1]!;
  const c = a.map((v, k) => Math.round(v + (b[k]! - v) * f));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

export function ReconMap({ values, grid, cell = 14, label }: { values: number[]; grid: [number, number, number]; cell?: number; label: string }) {
  const [T, H, W] = grid;
  if (values.length !== T * H * W || T * H * W === 0) {
    return <div className="empty">Reconstruction map unavailable (grid {grid.join('×')} vs {values.length} values).</div>;
  }
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  return (
    <div>
      <div className="rmap" role="group" aria-label={label}>
        {Array.from({ length: T }, (_, t) => (
          <figure key={t}>
            <svg width={W * cell} height={H * cell} viewBox={`0 0 ${W * cell} ${H * cell}`} role="img" aria-label={`time slice ${t + 1} of ${T}`}>
              {Array.from({ length: H * W }, (__, k) => {
                const h = Math.floor(k / W);
                const w = k % W;
                const v = values[t * H * W + k]!;
                return (
                  <rect key={k} x={w * cell} y={h * cell} width={cell - 1} height={cell - 1} fill={colour((v - lo) / span)}>
                    <title>{`t=${t} h=${h} w=${w}: ${v.toPrecision(4)}`}</title>
                  </rect>
                );
              })}
            </svg>
            <figcaption>t = {t}</figcaption>
          </figure>
        ))}
        <figure aria-hidden="true">
          <svg width={14} height={H * cell}>
            <defs>
              <linearGradient id="rmap-ramp" x1="0" y1="1" x2="0" y2="0">
                {[0, 0.25, 0.5, 0.75, 1].map((s) => <stop key={s} offset={s} stopColor={colour(s)} />)}
              </linearGradient>
            </defs>
            <rect width={14} height={H * cell} fill="url(#rmap-ramp)" />
          </svg>
          <figcaption>scale</figcaption>
        </figure>
      </div>
      <div className="chart-note">MSE per token position, low <span className="num">{lo.toPrecision(3)}</span> → high <span className="num">{hi.toPrecision(3)}</span>; hover a cell for its value.</div>
    </div>
  );
}
