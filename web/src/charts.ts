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

/** Per service, its securing stake beside its cost of corruption (ETH), largest stake first. */
export function stakeAndCost(plot: Chart, rows: { name: string; stake: number; cost: number }[]): void {
  const top = [...rows].sort((a, b) => b.stake - a.stake).slice(0, 40);
  plot.setOption({
    tooltip: { trigger: "axis" },
    legend: {},
    grid: { left: 70, right: 20, bottom: 90, top: 40 },
    xAxis: { type: "category", data: top.map((s) => s.name), axisLabel: { rotate: 50 } },
    yAxis: { type: "value", name: "ETH" },
    series: [
      { name: "securing stake", type: "bar", data: top.map((s) => s.stake) },
      { name: "cost of corruption", type: "bar", data: top.map((s) => s.cost) },
    ],
  });
}
