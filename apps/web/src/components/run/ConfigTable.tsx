// The run's resolved config as dotted paths, so long configs stay scannable.
import { flatten, showValue } from '@/lib/config-diff';

export function ConfigTable({ config }: { config: unknown }) {
  const entries = [...flatten(config)];
  if (entries.length === 0) return <p className="muted">No config recorded.</p>;
  return (
    <dl className="kv mono" data-testid="run-config">
      {entries.map(([path, value]) => (
        <div key={path} style={{ display: 'contents' }}>
          <dt>{path}</dt>
          <dd>{showValue(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
