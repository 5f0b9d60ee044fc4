// ECharts, with only the parts the pages draw (tree-shaken by Vite).

import * as echarts from "echarts/core";
import { BarChart, HeatmapChart, LineChart } from "echarts/charts";
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([
  BarChart,
  HeatmapChart,
  LineChart,
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

export type Chart = echarts.ECharts;

/** A chart in a new `div` of `height` px appended to `parent`; it follows the window's width. */
export function chart(parent: HTMLElement, height: number, id: string): Chart {
  const element = document.createElement("div");
  element.className = "chart";
  element.dataset.chart = id;
  element.style.height = `${height}px`;
  parent.append(element);
  const instance = echarts.init(element, undefined, { renderer: "canvas" });
  const resize = () => instance.resize();
  window.addEventListener("resize", resize);
  (element as HTMLElement & { dispose?: () => void }).dispose = () => {
    window.removeEventListener("resize", resize);
    instance.dispose();
  };
  return instance;
}

export function disposeCharts(root: HTMLElement): void {
  root.querySelectorAll<HTMLElement & { dispose?: () => void }>(".chart").forEach((c) => c.dispose?.());
}
