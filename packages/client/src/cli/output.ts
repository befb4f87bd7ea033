// Human output helpers: aligned tables, durations, JSON for machines, and progress bars that go
// to stderr and only draw on an interactive terminal (never into a pipe or a CI log).
import { SingleBar, Presets } from 'cli-progress';
import type { Writable } from 'node:stream';

export interface OutStream extends Writable {
  isTTY?: boolean;
  columns?: number;
}

/** Column-aligned text: a header, a rule, and rows; numbers right-aligned. */
export function renderTable(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string | number | null | undefined>>): string {
  const cells = rows.map((row) => header.map((_, i) => {
    const value = row[i];
    return value === null || value === undefined ? '—' : String(value);
  }));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((row) => typeof row[i] === 'number' || row[i] === null || row[i] === undefined));
  const widths = header.map((title, i) => Math.max(width(title), ...cells.map((row) => width(row[i] ?? ''))));
  const line = (values: readonly string[]) => values.map((value, i) => (numeric[i] ? pad(value, widths[i] ?? 0, 'left') : pad(value, widths[i] ?? 0, 'right'))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...cells.map(line)].join('\n') + '\n';
}

/** Display width, counting each code point once (good enough for the ASCII-plus-symbols we print). */
function width(text: string): number {
  return Array.from(text).length;
}

function pad(text: string, size: number, side: 'left' | 'right'): string {
  const fill = ' '.repeat(Math.max(0, size - width(text)));
  return side === 'left' ? fill + text : text + fill;
}

/** 75 → "1m 15s", 3725 → "1h 2m". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${s % 60}s`;
  return `${Math.floor(s / 3600)}h ${Math.floor((s % 3600) / 60)}m`;
}

export function secondsBetween(from: string | null | undefined, to: string | null | undefined, now = Date.now()): number | null {
  if (!from) return null;
  const end = to ? Date.parse(to) : now;
  return (end - Date.parse(from)) / 1000;
}

export function toJson(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

export interface Progress {
  update(value: number, payload?: Record<string, string | number>): void;
  setTotal(total: number): void;
  stop(): void;
}

/** A progress bar on `stream` when it is an interactive terminal; a silent no-op otherwise. */
export function progressBar(stream: OutStream, enabled: boolean, total: number, label: string, unit = ''): Progress {
  if (!enabled || !stream.isTTY) return { update: () => undefined, setTotal: () => undefined, stop: () => undefined };
  const bar = new SingleBar({
    stream: stream as unknown as NodeJS.WritableStream,
    format: `${label} {bar} {percentage}% | {value}/{total}${unit} | {detail}`,
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 50,
    fps: 10,
  }, Presets.shades_classic);
  bar.start(Math.max(1, total), 0, { detail: '' });
  return {
    update: (value, payload) => bar.update(value, { detail: '', ...payload }),
    setTotal: (value) => bar.setTotal(Math.max(1, value)),
    stop: () => bar.stop(),
  };
}
