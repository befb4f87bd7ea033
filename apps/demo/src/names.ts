// Names the demo derives from its data directory (pure; tested).
import path from 'node:path';

/**
 * The local agent's name: `demo-agent` for the default `.stratum` directory, else
 * `demo-agent-<directory>` with the directory's name reduced to [a-z0-9-] (no leading dot, no
 * empty suffix: `.stratum` once gave `demo-agent-.stratum`).
 */
export function demoAgentName(dataDir: string): string {
  const suffix = path.basename(path.resolve(dataDir)).toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return suffix === '' || suffix === 'stratum' ? 'demo-agent' : `demo-agent-${suffix}`;
}

/** The line for a sweep that was already finished when the demo began following it. */
export function alreadyFinishedLine(finishedAt: Array<string | null>, ok: boolean): string | null {
  const times = finishedAt.filter((t): t is string => t !== null).map((t) => Date.parse(t)).filter(Number.isFinite);
  if (times.length === 0) return null;
  const at = new Date(Math.max(...times)).toISOString().slice(0, 19).replace('T', ' ');
  return `sweep already finished at ${at} UTC${ok ? ': every run succeeded with its evaluations' : ' with problems (see the table)'}`;
}
