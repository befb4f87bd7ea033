// Number formatting shared by the human table, the Markdown report and the JUnit messages.

/** Four decimals (a probe accuracy of 0.4301); tiny magnitudes in exponent form; null as an em dash. */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value !== 0 && Math.abs(value) < 1e-3) return value.toExponential(2).replace('-', '−');
  return value.toFixed(4).replace('-', '−');
}

/** Like formatValue with an explicit sign: "+0.0050", "−0.0290". */
export function formatDelta(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const text = formatValue(value);
  return value > 0 || Object.is(value, 0) ? '+' + text : text;
}

export function formatInterval(low: number | null | undefined, high: number | null | undefined): string {
  if (low === null || low === undefined || high === null || high === undefined) return '—';
  return `[${formatDelta(low)}, ${formatDelta(high)}]`;
}
