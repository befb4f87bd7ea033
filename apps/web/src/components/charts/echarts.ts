// The one place ECharts is assembled: only the chart types and components the dashboard uses,
// canvas for long series, SVG for small charts; nothing else, so client bundles stay small.
import * as echarts from 'echarts/core';
import { BarChart, HeatmapChart, LineChart, ParallelChart, ScatterChart } from 'echarts/charts';
import {
  AriaComponent, DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent,
  ParallelComponent, TitleComponent, TooltipComponent, VisualMapComponent,
} from 'echarts/components';
import { CanvasRenderer, SVGRenderer } from 'echarts/renderers';

echarts.use([
  LineChart, HeatmapChart, BarChart, ParallelChart, ScatterChart,
  AriaComponent, DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent,
  ParallelComponent, TitleComponent, TooltipComponent, VisualMapComponent,
  CanvasRenderer, SVGRenderer,
]);

export { echarts };
export type { EChartsCoreOption } from 'echarts/core';
