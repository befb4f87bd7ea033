// Qualitative colours for series that are categories (blocks, targets), not an ordered ramp:
// Okabe & Ito's colour-blind-safe set, then Tableau 10's extras. Neighbouring blocks must be told
// apart at a glance, which a depth ramp of one hue does not allow. Pure.

const LIGHT = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#D55E00', '#56B4E9', '#7f7f7f', '#b8a400', '#9467bd', '#8c564b'];
const DARK = ['#56B4E9', '#E69F00', '#3fd49f', '#e08fc0', '#ff7b3a', '#7aa6ff', '#c7c7c7', '#f0e442', '#c5a8e8', '#d9a07a'];

/** The qualitative palette for a theme. */
export function qualitativePalette(dark: boolean): readonly string[] {
  return dark ? DARK : LIGHT;
}

/** Colour of the i-th category (0-based), cycling through the palette. */
export function categoryColor(index: number, dark: boolean): string {
  const palette = qualitativePalette(dark);
  return palette[((index % palette.length) + palette.length) % palette.length]!;
}

/** CIE76 ΔE between two #rrggbb colours (in CIELAB, D65): > ~20 reads as a different colour. */
export function colorDistance(a: string, b: string): number {
  const [l1, a1, b1] = lab(a);
  const [l2, a2, b2] = lab(b);
  return Math.hypot(l1 - l2, a1 - a2, b1 - b2);
}

function lab(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const n = parseInt(m[1]!, 16);
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  const [r, g, b] = [lin((n >> 16) & 255), lin((n >> 8) & 255), lin(n & 255)];
  const x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047;
  const y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  const z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
  return [116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))];
}
