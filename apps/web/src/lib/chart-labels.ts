// Number labels for colour scales and cells: enough digits to tell apart what the colour tells
// apart (a difference map spanning ±0.004 must not print "0.00" everywhere), scientific
// notation for magnitudes below 1e-3, and never a signed zero. Pure.

/** A formatter for values on the scale [lo, hi]: a tenth of the span stays visible in print. */
export function scaleFormatter(lo: number, hi: number): (value: number) => string {
  const magnitude = Math.max(Math.abs(lo), Math.abs(hi));
  const span = Math.abs(hi - lo) || magnitude;
  if (!Number.isFinite(magnitude) || magnitude === 0) return (v) => plain(v.toFixed(2));
  if (magnitude < 1e-3) {
    // Significant digits enough for span/10 relative to the largest magnitude (at least 2).
    const digits = Math.min(6, Math.max(1, Math.ceil(Math.log10(magnitude / (span / 10)))));
    return (v) => (v === 0 ? '0' : plain(v.toExponential(digits)));
  }
  const decimals = Math.min(6, Math.max(2, Math.ceil(-Math.log10(span / 20))));
  return (v) => plain(v.toFixed(decimals));
}

/** "-0.000" → "0.000" (a rounded zero has no sign); the minus sign as a real minus. */
function plain(text: string): string {
  if (/^-0(\.0+)?(e[+-]?\d+)?$/.test(text)) return text.slice(1);
  return text.replace(/^-/, '−');
}
