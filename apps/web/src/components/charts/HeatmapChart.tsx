'use client';
// A labelled matrix (e.g. block × block linear CKA). Sequential colour scale for similarities,
// diverging and symmetric around 0 for differences (A − B). Values printed in cells when small,
// with as many digits as the scale needs (scaleFormatter): a near-zero difference map shows its
// ±0.004 rather than "0.00" in every cell. Drawn as SVG, so the labels are text in the page.
import { useMemo } from 'react';
import { scaleFormatter } from '@/lib/chart-labels';
import { EChart } from './EChart';
import { axisStyle, tooltipStyle, useChartTheme } from './useChartTheme';

export interface HeatmapProps {
  rowLabels: string[];
  colLabels: string[];
  /** Row-major rows × cols; null = not available. */
  values: Array<number | null>;
  label: string;
  rowName?: string;
  colName?: string;
  valueName?: string;
  diverging?: boolean;
  /** Colour range; default [0, 1] for similarities, ±max|v| for differences. */
  range?: [number, number];
  height?: number;
  testId?: string;
}

const SEQUENTIAL_LIGHT = ['#f7fbff', '#c6dbef', '#6baed6', '#2171b5', '#08306b'];
const SEQUENTIAL_DARK = ['#0d1b2e', '#15407a', '#2f74c0', '#6fb0ea', '#d6ecff'];
const DIVERGING_LIGHT = ['#b2182b', '#ef8a62', '#f7f7f7', '#67a9cf', '#2166ac'];
const DIVERGING_DARK = ['#e0645a', '#8a3a35', '#2a2f38', '#3a6a95', '#6fb0ea'];

export function HeatmapChart({ rowLabels, colLabels, values, label, rowName, colName, valueName = 'value', diverging = false, range, height, testId }: HeatmapProps) {
  const theme = useChartTheme();
  const option = useMemo(() => {
    let maxAbs = 0;
    let min = Infinity;
    for (const v of values) {
      if (v === null || !Number.isFinite(v)) continue;
      maxAbs = Math.max(maxAbs, Math.abs(v));
      min = Math.min(min, v);
    }
    // Similarities: from the smallest value (rounded down to 0.05) to 1, so structure near 1 —
    // where late blocks of blockwise models sit — is not flattened into one colour.
    const [lo, hi] = range ?? (diverging ? [-(maxAbs || 1), maxAbs || 1] : [Number.isFinite(min) ? Math.min(0.9, Math.floor(min * 20) / 20) : 0, 1]);
    const data: Array<{ value: [number, number, number | '-']; label: { color: string } }> = [];
    rowLabels.forEach((_, r) => colLabels.forEach((__, c) => {
      const v = values[r * colLabels.length + c];
      const ok = v !== null && v !== undefined && Number.isFinite(v);
      // x = column, y = row; rows drawn top-down.
      data.push({ value: [c, r, ok ? v : '-'], label: { color: ok ? labelColor((v - lo) / (hi - lo || 1), diverging, theme.dark) : theme.muted } });
    }));
    const showValues = rowLabels.length * colLabels.length <= 144;
    const format = scaleFormatter(lo, hi);
    const axis = axisStyle(theme);
    return {
      tooltip: {
        ...tooltipStyle(theme),
        formatter: (p: { value: [number, number, number | '-'] }) => {
          const [c, r, v] = p.value;
          return `${rowName ?? 'row'} ${rowLabels[r]} · ${colName ?? 'col'} ${colLabels[c]}<br/><b>${valueName}: ${typeof v === 'number' ? v.toPrecision(4) : 'n/a'}</b>`;
        },
      },
      grid: { left: 30, right: 76, top: 10, bottom: 30, containLabel: true },
      xAxis: { type: 'category', data: colLabels, name: colName, nameLocation: 'middle', nameGap: 26, ...axis, splitArea: { show: false }, splitLine: { show: false } },
      yAxis: { type: 'category', data: rowLabels, name: rowName, nameLocation: 'middle', nameGap: 40, inverse: true, ...axis, splitLine: { show: false } },
      visualMap: {
        min: lo, max: hi, calculable: true, orient: 'vertical', right: 4, top: 'middle', itemHeight: 140, itemWidth: 10,
        formatter: (v: number) => format(v),
        textStyle: { color: theme.muted, fontSize: 11 },
        inRange: { color: diverging ? (theme.dark ? DIVERGING_DARK : DIVERGING_LIGHT) : (theme.dark ? SEQUENTIAL_DARK : SEQUENTIAL_LIGHT) },
      },
      series: [{
        type: 'heatmap', data,
        label: { show: showValues, fontSize: 10, formatter: (p: { value: [number, number, number | '-'] }) => (typeof p.value[2] === 'number' ? format(p.value[2]) : '') },
        itemStyle: { borderColor: theme.surface, borderWidth: 1 },
        emphasis: { itemStyle: { borderColor: theme.text, borderWidth: 1 } },
      }],
    };
  }, [rowLabels, colLabels, values, diverging, range, theme, rowName, colName, valueName]);
  return <EChart option={option} label={label} className="chart" height={height ?? Math.max(260, 60 + rowLabels.length * 34)} testId={testId} renderer="svg" />;
}

/** Cell text that stays readable on the colour under it (t = position on the scale, 0..1). */
function labelColor(t: number, diverging: boolean, dark: boolean): string {
  if (diverging) return Math.abs(t - 0.5) > 0.3 ? (dark ? '#111' : '#fff') : (dark ? '#eee' : '#111');
  if (dark) return t > 0.7 ? '#111' : '#eee';
  return t > 0.55 ? '#fff' : '#111';
}
