'use client';
// A canvas ECharts instance bound to a div: created once, options replaced on change, resized
// with its container, disposed on unmount. Chart-specific islands build the option.
import { useEffect, useRef } from 'react';
import { echarts, type EChartsCoreOption } from './echarts';

type ECharts = ReturnType<typeof echarts.init>;

export interface EChartProps {
  option: EChartsCoreOption;
  /** Accessible name of the chart (it is a canvas). */
  label: string;
  className?: string;
  height?: number;
  /** Called with the instance after each setOption, e.g. to attach event handlers. */
  onReady?: (chart: ECharts) => void;
  testId?: string;
  /** SVG for small charts (crisp, and their text is in the DOM); canvas for long series. */
  renderer?: 'canvas' | 'svg';
}

export function EChart({ option, label, className = 'chart', height, onReady, testId, renderer = 'canvas' }: EChartProps) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);
  const ready = useRef(onReady);
  useEffect(() => {
    ready.current = onReady;
  });

  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const instance = echarts.init(el, undefined, { renderer });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(el);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, [renderer]);

  useEffect(() => {
    const instance = chart.current;
    if (!instance) return;
    instance.setOption({ aria: { enabled: true }, animation: false, ...option }, { notMerge: true });
    ready.current?.(instance);
  }, [option, renderer]);

  return <div ref={ref} className={className} style={height ? { height } : undefined} role="img" aria-label={label} data-testid={testId} />;
}
