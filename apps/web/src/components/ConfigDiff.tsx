// Config diff across 2–6 runs: only the keys whose values differ.
import { differingKeys, showValue } from '@/lib/config-diff';
import { Empty } from './ui/States';

export function ConfigDiff({ names, configs }: { names: string[]; configs: unknown[] }) {
  const rows = differingKeys(configs);
  if (rows.length === 0) return <Empty>The configs are identical.</Empty>;
  return (
    <div className="table-wrap">
      <table className="data" data-testid="config-diff">
        <thead>
          <tr>
            <th>Key</th>
            {names.map((n) => <th key={n}>{n}</th>)}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.path}>
              <td className="mono">{row.path}</td>
              {row.values.map((v, i) => <td key={i} className={`mono ${v === undefined ? 'muted' : ''}`}>{v === undefined ? 'absent' : showValue(v)}</td>)}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
