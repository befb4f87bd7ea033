'use client';
// Curves over a categorical depth axis (blocks, layers, block pairs), each with an optional
// confidence band: depth profiles (probe accuracy per block), consecutive-block CKA, patch
// diagnostics per block. Bands are drawn as a transparent lower line plus a stacked filled
// (upper − lower) line, the standard ECharts recipe. Reference levels (a probe's chance, a trivial
// baseline) are dashed horizontal lines, and the value axis starts at zero rather than zooming to
// the data, so that noise between curves does not read as a gap. Drawn as SVG: the charts are
// small, and their labels are text in the page.
import { useMemo } from 'react';
import type { ReferenceLine } from '@/lib/evaluations';
import { EChart } from './EChart';
import { axisStyle, legendStyle, tooltipStyle, useChartTheme } from './useChartTheme';

export interface ProfilePoint {
  y: number;
  low?: number | null;
  high?: number | null;
  /** Shown in the tooltip, e.g. "n=3". */
  note?: string;
}

export interface ProfileSeries {
  name: string;
  /** Colour: a run mode (E2E, BLOCKWISE_…) picks the regime colour, else a palette colour. */
  mode?: string;
  color?: string;
  dashed?: boolean;
  /** Aligned with `categories`; null where the series has no value. */
  values: Array<ProfilePoint | null>;
}

export interface ProfileChartProps {
  categories: string[];
  series: ProfileSeries[];
  label: string;
  xName: string;
  yName: string;
  yMin?: number;
  yMax?: number;
  /** Horizontal reference levels (chance, trivial baseline), drawn dashed and labelled. */
  references?: ReferenceLine[];
  /** Format for axis labels and tooltips (e.g. percent). */
  percent?: boolean;
  height?: number;
  testId?: string;
}

const NO_REFERENCES: ReferenceLine[] = [];

export function ProfileChart({ categories, series, label, xName, yName, yMin, yMax, references = NO_REFERENCES, percent = false, height, testId }: ProfileChartProps) {
  const theme = useChartTheme();
  const option = useMemo(() => {
    const axis = axisStyle(theme);
    const format = (v: number) => (percent ? `${(v * 100).toFixed(1)}%` : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(3));
    const out: object[] = [];
    series.forEach((s, i) => {
      const color = s.color ?? (s.mode ? theme.modes[s.mode] : undefined) ?? theme.palette[i % theme.palette.length];
      const hasBand = s.values.some((p) => p && p.low != null && p.high != null);
      if (hasBand) {
        const stack = `band-${i}`;
        out.push({
          name: s.name, type: 'line', stack, symbol: 'none', silent: true, color, lineStyle: { opacity: 0 }, tooltip: { show: false },
          data: s.values.map((p) => (p && p.low != null && p.high != null ? p.low : '-')),
          emphasis: { disabled: true },
        });
        out.push({
          name: s.name, type: 'line', stack, symbol: 'none', silent: true, color, lineStyle: { opacity: 0 }, tooltip: { show: false },
          areaStyle: { color, opacity: theme.dark ? 0.22 : 0.16 },
          data: s.values.map((p) => (p && p.low != null && p.high != null ? p.high - p.low : '-')),
          emphasis: { disabled: true },
        });
      }
      out.push({
        name: s.name, type: 'line', connectNulls: true, symbol: 'circle', symbolSize: 6, color,
        lineStyle: { color, width: 2, type: s.dashed ? 'dashed' : 'solid' }, itemStyle: { color },
        data: s.values.map((p) => (p ? { value: p.y, low: p.low, high: p.high, note: p.note } : '-')),
      });
    });
    if (references.length) {
      // A series of its own (not in the legend), so hiding a curve never hides the reference.
      out.push({
        name: 'reference levels', type: 'line', data: [], silent: true, tooltip: { show: false },
        markLine: {
          symbol: 'none', silent: true, animation: false,
          lineStyle: { color: theme.muted, type: 'dashed', width: 1.2 },
          label: { position: 'insideEndTop', color: theme.muted, fontSize: 10.5, formatter: (p: { name: string }) => p.name },
          data: references.map((r) => ({ name: r.label, yAxis: r.value })),
        },
      });
    }
    // Room for a reference above every value (e.g. chance over a collapsed curve); else the axis's own nice top.
    const topReference = references.length ? Math.max(...references.map((r) => r.value)) : null;
    const dataTop = Math.max(-Infinity, ...series.flatMap((s) => s.values.map((p) => (p ? Math.max(p.y, p.high ?? p.y) : -Infinity))));
    const roomAbove = topReference !== null && topReference >= dataTop ? topReference * 1.1 : undefined;
    return {
      color: theme.palette,
      legend: { ...legendStyle(theme), top: 0, show: series.length > 1, icon: 'roundRect', itemWidth: 14, itemHeight: 4, data: series.map((s) => s.name) },
      tooltip: {
        ...tooltipStyle(theme), trigger: 'axis',
        formatter: (items: Array<{ seriesName: string; axisValueLabel: string; marker: string; data: unknown }>) => {
          const rows = items
            .filter((it) => it.data && typeof it.data === 'object')
            .map((it) => {
              const d = it.data as { value: number; low?: number | null; high?: number | null; note?: string };
              const ci = d.low != null && d.high != null ? ` <span style="opacity:.7">[${format(d.low)}, ${format(d.high)}]</span>` : '';
              const note = d.note ? ` <span style="opacity:.7">${d.note}</span>` : '';
              return `${it.marker}${it.seriesName}: <b>${format(d.value)}</b>${ci}${note}`;
            });
          return [`${xName} ${items[0]?.axisValueLabel ?? ''}`, ...rows].join('<br/>');
        },
      },
      grid: { left: 36, right: 20, top: series.length > 1 ? 34 : 12, bottom: 30, containLabel: true },
      xAxis: { type: 'category', data: categories, name: xName, nameLocation: 'middle', nameGap: 26, boundaryGap: false, ...axis },
      yAxis: {
        // scale: false keeps zero on the axis.
        type: 'value', name: yName, nameLocation: 'middle', nameGap: 44, scale: false, min: yMin,
        max: yMax ?? roomAbove, ...axis,
        axisLabel: { ...axis.axisLabel, formatter: (v: number) => (percent ? `${Math.round(v * 1000) / 10}%` : String(Math.round(v * 1000) / 1000)) },
      },
      series: out,
    };
  }, [categories, series, theme, xName, yName, yMin, yMax, references, percent]);
  return <EChart option={option} label={label} height={height} testId={testId} renderer="svg" />;
}
