// The chart rules as pure helpers: labels that show what a colour encodes, colours that tell
// blocks apart, verdict colours only where an interval excludes zero, chance levels per target.
import { describe, expect, it } from 'vitest';
import { scaleFormatter } from '../src/lib/chart-labels';
import { categoryColor, colorDistance, qualitativePalette } from '../src/lib/palette';
import { deltaVerdict, summarize, welchDelta } from '../src/lib/stats';
import { CHANCE_METRIC, chanceLevels, profileFamily, type EvaluationRow } from '../src/lib/evaluations';

describe('scale and cell labels', () => {
  it('prints a near-zero difference map with the digits its colours encode, never a signed zero', () => {
    const f = scaleFormatter(-0.0042, 0.0042);
    expect(f(-0.0042)).toBe('−0.0042');
    expect(f(0.0042)).toBe('0.0042');
    expect(f(0.0011)).not.toBe(f(0.0021));
    expect(f(-0.00001)).toBe('0.0000');
    expect(new Set([-0.0042, -0.002, 0, 0.002, 0.0042].map(f)).size).toBe(5);
  });

  it('switches to scientific notation below 1e-3', () => {
    const f = scaleFormatter(-2e-5, 2e-5);
    expect(f(2e-5)).toBe('2.0e-5');
    expect(f(-1.3e-5)).toBe('−1.3e-5');
    expect(f(0)).toBe('0');
  });

  it('keeps two decimals for a similarity scale from 0 to 1', () => {
    const f = scaleFormatter(0, 1);
    expect([f(0), f(0.5), f(1)]).toEqual(['0.00', '0.50', '1.00']);
  });
});

describe('block colours', () => {
  it('gives the first six blocks colours far apart in CIELAB on both themes', () => {
    for (const dark of [false, true]) {
      const colours = Array.from({ length: 6 }, (_, i) => categoryColor(i, dark));
      for (let i = 0; i < colours.length; i++) {
        for (let j = i + 1; j < colours.length; j++) expect(colorDistance(colours[i]!, colours[j]!), `${colours[i]} vs ${colours[j]}`).toBeGreaterThan(20);
      }
    }
  });

  it('cycles through the palette and measures distance as CIE76', () => {
    expect(categoryColor(qualitativePalette(false).length, false)).toBe(categoryColor(0, false));
    expect(colorDistance('#000000', '#ffffff')).toBeCloseTo(100, 0);
    expect(colorDistance('#123456', '#123456')).toBe(0);
    expect(() => colorDistance('purple', '#000000')).toThrow(/#rrggbb/);
  });
});

describe('delta verdicts', () => {
  it('colours a delta only when its interval excludes zero', () => {
    const a = summarize([0.5, 0.52, 0.51]);
    const b = summarize([0.3, 0.31, 0.32]);
    expect(deltaVerdict(welchDelta(a, b), true)).toBe('better');
    expect(deltaVerdict(welchDelta(a, b), false)).toBe('worse');
    expect(deltaVerdict(welchDelta(b, a), true)).toBe('worse');
    const noisy = summarize([0.2, 0.6, 0.4]);
    expect(deltaVerdict(welchDelta(noisy, summarize([0.38, 0.4, 0.42])), true)).toBe('unclear');
    expect(deltaVerdict(welchDelta(a, b), null)).toBe('unclear');
  });

  it('gives no verdict at n = 1, however large the delta', () => {
    const d = welchDelta(summarize([0.9]), summarize([0.1]));
    expect(d.delta).toBeCloseTo(0.8);
    expect(deltaVerdict(d, true)).toBe('no-interval');
  });
});

describe('chance levels', () => {
  const row = (target: string, value: number, step = 100, depth = 1): EvaluationRow => ({ step, kind: 'LINEAR_PROBE', metric: CHANCE_METRIC, target, dataset: 'mm', depthUnit: 'BLOCK', depth, value });

  it('draws one line per distinct chance, naming its targets and class count', () => {
    const rows = [row('digit', 0.1), row('digit', 0.1, 100, 2), row('speed', 0.25), row('colour', 0.25), row('digit', 0.1, 50)];
    expect(chanceLevels(rows, 100)).toEqual([
      { value: 0.1, label: 'chance 10.0% (digit, 1/10)' },
      { value: 0.25, label: 'chance 25.0% (colour, speed, 1/4)' },
    ]);
    expect(chanceLevels(rows, 100, 'speed')).toEqual([{ value: 0.25, label: 'chance 25.0% (speed, 1/4)' }]);
    expect(chanceLevels(rows, 7)).toEqual([]);
  });

  it('keeps chance rows out of the depth profile families', () => {
    expect(profileFamily({ kind: 'LINEAR_PROBE', metric: CHANCE_METRIC })).toBeNull();
    expect(profileFamily({ kind: 'LINEAR_PROBE', metric: 'accuracy' })).toBe('probe');
    expect(profileFamily({ kind: 'KNN_RETRIEVAL', metric: 'mAP' })).toBe('retrieval');
    expect(profileFamily({ kind: 'GEOMETRY', metric: 'effectiveRank' })).toBe('geometry');
    expect(profileFamily({ kind: 'RECONSTRUCTION', metric: 'mse' })).toBeNull();
  });
});
