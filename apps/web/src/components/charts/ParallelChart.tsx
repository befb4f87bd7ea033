'use client';
// Parallel coordinates over a sweep's runs: factor axes (size, K, regime, seed) then the metric,
// one line per run coloured by regime — to spot interactions the grid's means hide.
import { useMemo } from 'react';
import { EChart } from './EChart';
import { tooltipStyle, useChartTheme } from './useChartTheme';

export interface ParallelRun {
  name: string;
  modelSize: string;
  blocks: number;
  mode: string;
  seed: number;
  value: number;
}

const MODE_LABEL: Record<string, string> = { E2E: 'E2E', BLOCKWISE_SIMULTANEOUS: 'Simultaneous', BLOCKWISE_SEQUENTIAL: 'Sequential' };

export function ParallelChart({ runs, sizes, ks, modes, metricLabel, percent, testId }: {
  runs: ParallelRun[];
  sizes: string[];
  ks: number[];
  modes: string[];
  metricLabel: string;
  percent: boolean;
  testId?: string;
}) {
  const theme = useChartTheme();
  const option = useMemo(() => {
    const axisCommon = {
      nameTextStyle: { color: theme.text, fontSize: 11.5 },
      axisLine: { lineStyle: { color: theme.border } },
      axisTick: { lineStyle: { color: theme.border } },
      axisLabel: { color: theme.muted, fontSize: 11 },
    };
    return {
      tooltip: { ...tooltipStyle(theme), trigger: 'item', formatter: (p: { data: { name: string } }) => p.data.name },
      parallelAxis: [
        { dim: 0, name: 'size', type: 'category', data: sizes, ...axisCommon },
        { dim: 1, name: 'K', type: 'category', data: ks.map(String), ...axisCommon },
        { dim: 2, name: 'regime', type: 'category', data: modes.map((m) => MODE_LABEL[m] ?? m), ...axisCommon },
        { dim: 3, name: 'seed', type: 'value', minInterval: 1, ...axisCommon },
        { dim: 4, name: metricLabel, type: 'value', scale: true, ...axisCommon, axisLabel: { ...axisCommon.axisLabel, formatter: (v: number) => (percent ? `${(v * 100).toFixed(1)}%` : String(+v.toFixed(4))) } },
      ],
      parallel: { left: 50, right: 90, top: 56, bottom: 24, parallelAxisDefault: { nameLocation: 'end', nameGap: 12 } },
      series: modes.map((m) => ({
        name: MODE_LABEL[m] ?? m,
        type: 'parallel',
        lineStyle: { width: 1.4, opacity: 0.55, color: theme.modes[m] ?? theme.accent },
        emphasis: { lineStyle: { width: 2.5, opacity: 1 } },
        data: runs.filter((r) => r.mode === m).map((r) => ({ name: r.name, value: [r.modelSize, String(r.blocks), MODE_LABEL[r.mode] ?? r.mode, r.seed, r.value] })),
      })),
      legend: { top: 0, left: 0, icon: 'roundRect', itemWidth: 14, itemHeight: 4, textStyle: { color: theme.text, fontSize: 11.5 }, data: modes.map((m) => MODE_LABEL[m] ?? m) },
    };
  }, [runs, sizes, ks, modes, metricLabel, percent, theme]);
  return <EChart option={option} label={`Parallel coordinates of ${runs.length} runs: size, K, regime, seed and ${metricLabel}`} height={300} testId={testId} />;
}
