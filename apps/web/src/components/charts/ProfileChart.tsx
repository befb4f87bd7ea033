'use client';
// Curves over a categorical depth axis (blocks, layers, block pairs), each with an optional
// confidence band: depth profiles (probe accuracy per block), consecutive-block CKA, patch
// diagnostics per block. Bands are drawn as a transparent lower line plus a stacked filled
// (upper − lower) line, the standard ECharts recipe.
import { useMemo } from 'react';
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
  /** Format for axis labels and tooltips (e.g. percent). */
  percent?: boolean;
  height?: number;
  testId?: string;
}

export function ProfileChart({ categories, series, label, xName, yName, yMin, yMax, percent = false, height, testId }: ProfileChartProps) {
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
        type: 'value', name: yName, nameLocation: 'middle', nameGap: 44, scale: yMin === undefined, min: yMin, max: yMax, ...axis,
        axisLabel: { ...axis.axisLabel, formatter: (v: number) => (percent ? `${Math.round(v * 1000) / 10}%` : String(Math.round(v * 1000) / 1000)) },
      },
      series: out,
    };
  }, [categories, series, theme, xName, yName, yMin, yMax, percent]);
  return <EChart option={option} label={label} height={height} testId={testId} />;
}
