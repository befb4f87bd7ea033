// The sweep grid: rows = model size, columns = K, sub-columns = regime (E2E, simultaneous,
// sequential). Each cell: mean ± 95% CI over seeds, n, marks for missing/failed/running seeds,
// and a small multiple of its depth profile; the whole cell links to its runs.
import Link from 'next/link';
import { MODE_ORDER, MODE_SHORT, modeLabel } from '@/lib/format';

export interface GridCell {
  modelSize: string;
  blocks: number;
  mode: string;
  mean: number | null;
  std: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  n: number;
  missing: number;
  failed: number;
  running: number;
  href: string;
  /** The cell's small multiple (streamed in after the numbers). */
  profile?: React.ReactNode;
}

export function SweepGrid({ cells, format, metricLabel }: {
  cells: GridCell[];
  format: (v: number | null) => string;
  metricLabel: string;
}) {
  const sizes = sortSizes([...new Set(cells.map((c) => c.modelSize))]);
  const ks = [...new Set(cells.map((c) => c.blocks))].sort((a, b) => a - b);
  const modes = MODE_ORDER.filter((m) => cells.some((c) => c.mode === m));
  const extra = [...new Set(cells.map((c) => c.mode))].filter((m) => !(MODE_ORDER as readonly string[]).includes(m));
  const allModes = [...modes, ...extra];
  const at = new Map(cells.map((c) => [`${c.modelSize}|${c.blocks}|${c.mode}`, c]));
  return (
    <div className="table-wrap">
      <table className="grid" data-testid="sweep-grid" aria-label={`Sweep grid: ${metricLabel}, mean ± 95% CI over seeds`}>
        <thead>
          <tr>
            <th rowSpan={2} className="rowhead">size \ K</th>
            {ks.map((k) => <th key={k} colSpan={allModes.length} scope="colgroup">K = {k}</th>)}
          </tr>
          <tr>
            {ks.flatMap((k) => allModes.map((m) => <th key={`${k}-${m}`} scope="col" className={`mode-${m}`}>{modeLabel(m)}</th>))}
          </tr>
        </thead>
        <tbody>
          {sizes.map((size) => (
            <tr key={size}>
              <th scope="row" className="rowhead">{size}</th>
              {ks.flatMap((k) => allModes.map((m) => {
                const cell = at.get(`${size}|${k}|${m}`);
                return <td key={`${k}-${m}`}>{cell ? <Cell cell={cell} format={format} /> : <span className="cell empty-cell">not in sweep</span>}</td>;
              }))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Cell({ cell, format }: { cell: GridCell; format: (v: number | null) => string }) {
  const label = `${cell.modelSize}, K=${cell.blocks}, ${modeLabel(cell.mode)}`;
  const half = cell.ciHigh != null && cell.mean != null ? cell.ciHigh - cell.mean : null;
  return (
    <Link href={cell.href} className="cell" data-testid="grid-cell" data-cell={`${cell.modelSize}|${cell.blocks}|${cell.mode}`} aria-label={`${label}: ${format(cell.mean)}; open its runs`}
      style={{ borderLeft: `3px solid var(--mode-${cell.mode === 'E2E' ? 'e2e' : cell.mode === 'BLOCKWISE_SIMULTANEOUS' ? 'sim' : 'seq'})` }}>
      <div className="v num" data-testid="cell-mean">{format(cell.mean)}</div>
      <div className="ci num">
        {half != null ? <>± <span data-testid="cell-ci">{format(half)}</span></> : <span data-testid="cell-no-ci">{cell.n === 1 ? '1 seed: no interval' : 'no interval (n < 2)'}</span>}
        <span> · n={cell.n}</span>
      </div>
      {cell.missing || cell.failed || cell.running ? (
        <div className="marks">
          {cell.running ? <span className="m-running">{cell.running} running</span> : null}
          {cell.failed ? <span className="m-failed">{cell.failed} failed</span> : null}
          {cell.missing ? <span className="m-missing">{cell.missing} missing</span> : null}
        </div>
      ) : null}
      {cell.profile ?? null}
      <span className="sr-only">{MODE_SHORT[cell.mode]}</span>
    </Link>
  );
}

const SIZE_ORDER = ['nano', 'micro', 'tiny', 'small', 'base', 'large'];
export function sortSizes(sizes: string[]): string[] {
  return [...sizes].sort((a, b) => {
    const ia = SIZE_ORDER.indexOf(a);
    const ib = SIZE_ORDER.indexOf(b);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib) || a.localeCompare(b);
  });
}
