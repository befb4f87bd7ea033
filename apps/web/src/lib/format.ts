// Display formatting shared by server pages and client islands. Pure functions.

export const MODE_LABEL: Record<string, string> = {
  E2E: 'E2E',
  BLOCKWISE_SIMULTANEOUS: 'Simultaneous',
  BLOCKWISE_SEQUENTIAL: 'Sequential',
};

export const MODE_SHORT: Record<string, string> = {
  E2E: 'E2E',
  BLOCKWISE_SIMULTANEOUS: 'Sim',
  BLOCKWISE_SEQUENTIAL: 'Seq',
};

/** Canonical order of regimes in grids and legends. */
export const MODE_ORDER = ['E2E', 'BLOCKWISE_SIMULTANEOUS', 'BLOCKWISE_SEQUENTIAL'] as const;

export function modeLabel(mode: string): string {
  return MODE_LABEL[mode] ?? mode;
}

/** A number with `digits` significant decimals; '—' for null/NaN. */
export function fmt(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs >= 1e6 || abs < 10 ** -digits)) return value.toExponential(2);
  return value.toFixed(digits);
}

/** A signed difference: +0.012 / −0.034. */
export function fmtDelta(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const s = fmt(Math.abs(value), digits);
  return (value > 0 ? '+' : value < 0 ? '−' : '±') + s;
}

export function fmtPercent(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return (value * 100).toFixed(digits) + '%';
}

export function fmtInt(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return Math.round(value).toLocaleString('en-US');
}

/** Seconds → "1h 02m", "3m 07s", "12s". */
export function fmtDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

export function durationBetween(from: string | null | undefined, to: string | null | undefined, now = Date.now()): number | null {
  if (!from) return null;
  const end = to ? Date.parse(to) : now;
  return (end - Date.parse(from)) / 1000;
}

/** "2026-03-01 14:05 UTC" — absolute, unambiguous, the same on server and client. */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** "5 min ago" relative to `now` (ms). */
export function fmtAgo(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return '—';
  const seconds = (now - Date.parse(iso)) / 1000;
  if (!Number.isFinite(seconds)) return iso;
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${Math.round(seconds)} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 86400 * 2) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}

export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** "step 1,200 / 5,000" (or the raw JSON) from a job's reported progress. */
export function describeProgress(progress: unknown): string | null {
  if (!progress || typeof progress !== 'object') return null;
  const p = progress as Record<string, unknown>;
  const step = typeof p.step === 'number' ? p.step : undefined;
  const total = typeof p.totalSteps === 'number' ? p.totalSteps : typeof p.steps === 'number' ? p.steps : undefined;
  const phase = typeof p.phase === 'string' ? ` (${p.phase})` : '';
  if (step !== undefined && total !== undefined) return `step ${step.toLocaleString('en-US')} / ${total.toLocaleString('en-US')}${phase}`;
  if (step !== undefined) return `step ${step.toLocaleString('en-US')}${phase}`;
  return JSON.stringify(progress).slice(0, 80);
}
