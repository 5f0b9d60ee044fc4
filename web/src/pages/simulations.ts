// A finished `rampart sim` run, read from the folders the node was started with
// (`--sim-output DIR`): fan charts of LRT NAVs and strategy values (the server's 5th, 50th and
// 95th percentiles across paths per timestep), the loss and exit-time distributions of its
// summary, and a table of the loss statistics. A finished run does not change, so the page
// fetches once and ignores the live stream.

import { get, type Json } from "../api";
import { chart, type Chart } from "../charts";
import { escapeHtml } from "../format";
import { figures, section, type Page } from "../page";
import { Table } from "../table";

interface RunInfo { name: string; model: string; paths: number; timesteps: number; subsets: number }
interface Fan { column: string; kind: string; of: string; subset: number; timestep: number[]; p5: number[]; p50: number[]; p95: number[] }
interface Detail { name: string; summary: Json; fans: Fan[] }
interface LossRow { name: string; kind: string; subset: number; paths: number; mean_bps: number; p50_bps: number; var95_bps: number; var99_bps: number; cvar95_bps: number; cvar99_bps: number; max_bps: number; prob_loss_above: Record<string, number> }

const HOW_TO = "No simulation output is configured. Run one and start the node with it: " +
  "<code>rampart sim scenarios/sim/tiny.toml --out DIR</code> then <code>rampart node --sim-output DIR</code>.";

export function simulationsPage(root: HTMLElement, param: string | null): Page {
  const head = section(root, "Simulation run", "sim-head");
  const note = document.createElement("p");
  note.className = "note";
  note.id = "sim-note";
  const picker = document.createElement("select");
  picker.id = "sim-run";
  picker.addEventListener("change", () => {
    location.hash = `#/simulations/${encodeURIComponent(picker.value)}`;
  });
  head.append(note, picker);
  const setFigures = figures(head, [
    ["model", "model"],
    ["paths", "paths"],
    ["timesteps", "timesteps"],
    ["subsets", "subsets"],
    ["slashed", "slashed ETH (p50 / p95)"],
    ["failures", "invariant failures"],
  ]);
  const navChart = chart(section(root, "LRT NAV (median, 5–95% band)"), 320, "sim-nav");
  const strategyChart = chart(section(root, "Strategy value (median, 5–95% band)"), 320, "sim-strategy");
  const lossChart = chart(section(root, "Loss: VaR and CVaR (bps of the start)"), 300, "sim-loss");
  const probChart = chart(section(root, "P(loss > threshold)"), 300, "sim-prob");
  const exitChart = chart(section(root, "Queued exit times"), 260, "sim-exits");
  const table = new Table<LossRow>(
    "sim-losses",
    [
      { key: "name", label: "holder / strategy", value: (r) => r.name },
      { key: "kind", label: "kind", value: (r) => r.kind },
      { key: "subset", label: "subset", value: (r) => r.subset, numeric: true },
      { key: "paths", label: "paths", value: (r) => r.paths, numeric: true },
      { key: "mean", label: "mean bps", value: (r) => Math.round(r.mean_bps * 10) / 10, numeric: true },
      { key: "p50", label: "median bps", value: (r) => r.p50_bps, numeric: true },
      { key: "var95", label: "VaR 95%", value: (r) => r.var95_bps, numeric: true },
      { key: "var99", label: "VaR 99%", value: (r) => r.var99_bps, numeric: true },
      { key: "cvar95", label: "CVaR 95%", value: (r) => Math.round(r.cvar95_bps * 10) / 10, numeric: true },
      { key: "cvar99", label: "CVaR 99%", value: (r) => Math.round(r.cvar99_bps * 10) / 10, numeric: true },
      { key: "max", label: "worst bps", value: (r) => r.max_bps, numeric: true },
    ],
    { sortKey: "var95", descending: true },
  );
  section(root, "Loss distributions").append(table.element);
  let shown: string | null = null;
  return {
    title: "Simulations",
    affectedBy: () => false,
    async refresh() {
      const list = await get<{ configured: number; runs: RunInfo[] }>("/v1/simulations");
      if (list.runs.length === 0) {
        note.innerHTML = list.configured === 0 ? HOW_TO : `The configured folders hold no finished run (no summary.json). ${HOW_TO}`;
        picker.hidden = true;
        return;
      }
      const name = list.runs.some((r) => r.name === param) ? param! : list.runs[0].name;
      picker.innerHTML = list.runs.map((r) => `<option value="${escapeHtml(r.name)}">${escapeHtml(r.name)} (${escapeHtml(r.model)}, ${r.paths} paths)</option>`).join("");
      picker.value = name;
      note.textContent = `${list.runs.length} finished run${list.runs.length === 1 ? "" : "s"}.`;
      if (shown === name) return;
      const run = await get<Detail>(`/v1/simulations/${encodeURIComponent(name)}`);
      shown = name;
      const s = run.summary;
      setFigures({
        model: escapeHtml(String(s.model)),
        paths: String(s.paths),
        timesteps: String(s.timesteps),
        subsets: String(s.subsets),
        slashed: `${round(s.slashed_eth?.[1])} / ${round(s.slashed_eth?.[2])}`,
        failures: String(s.invariant_failures),
      });
      const many = Number(s.subsets) > 1;
      drawFans(navChart, run.fans.filter((f) => f.kind === "nav"), many);
      drawFans(strategyChart, run.fans.filter((f) => f.kind === "strategy"), many);
      const rows: LossRow[] = [
        ...(s.holders ?? []).map((h: Json) => ({ ...h, kind: "holder" })),
        ...(s.strategies ?? []).map((st: Json) => ({ ...st.loss, name: st.name, subset: st.subset, kind: "strategy" })),
      ];
      drawLosses(lossChart, rows);
      drawProbabilities(probChart, rows);
      drawExits(exitChart, s.exits?.histogram ?? {});
      table.setRows(rows);
      window.__rampart.simulation = { name, fans: run.fans.length };
    },
  };
}

function round(x: unknown): string {
  return typeof x === "number" ? x.toLocaleString("en-US", { maximumFractionDigits: 2 }) : "—";
}

/** Per fan, a transparent base at p5, the band up to p95 stacked on it, and the median. */
function drawFans(plot: Chart, fans: Fan[], many: boolean): void {
  const series = fans.flatMap((f, i) => {
    const label = many ? `${f.of} · subset ${f.subset}` : f.of;
    const stack = `band-${i}`;
    return [
      { name: `${label} p5`, type: "line", stack, data: f.p5, symbol: "none", lineStyle: { opacity: 0 }, tooltip: { show: false } },
      { name: `${label} 5–95%`, type: "line", stack, data: f.p95.map((v, t) => v - f.p5[t]), symbol: "none", lineStyle: { opacity: 0 }, areaStyle: { opacity: 0.25 } },
      { name: label, type: "line", data: f.p50, symbol: "none" },
    ];
  });
  plot.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: fans.map((f) => (many ? `${f.of} · subset ${f.subset}` : f.of)) },
    grid: { left: 80, right: 20, bottom: 40, top: 40 },
    xAxis: { type: "category", name: "timestep", data: fans[0]?.timestep ?? [] },
    yAxis: { type: "value", name: "ETH", scale: true },
    series,
  }, true);
}

function drawLosses(plot: Chart, rows: LossRow[]): void {
  const label = (r: LossRow) => `${r.name}${r.subset ? ` · ${r.subset}` : ""}`;
  plot.setOption({
    tooltip: { trigger: "axis" },
    legend: {},
    grid: { left: 60, right: 20, bottom: 70, top: 40 },
    xAxis: { type: "category", data: rows.map(label), axisLabel: { rotate: 30 } },
    yAxis: { type: "value", name: "bps" },
    series: (["var95_bps", "cvar95_bps", "var99_bps", "cvar99_bps"] as const).map((key) => ({
      name: key.replace("_bps", "").replace("var", "VaR ").replace("cVaR ", "CVaR "),
      type: "bar",
      data: rows.map((r) => r[key]),
    })),
  }, true);
}

function drawProbabilities(plot: Chart, rows: LossRow[]): void {
  const thresholds = Object.keys(rows[0]?.prob_loss_above ?? {}).sort((a, b) => Number(a) - Number(b));
  plot.setOption({
    tooltip: { trigger: "axis" },
    legend: {},
    grid: { left: 60, right: 20, bottom: 40, top: 40 },
    xAxis: { type: "category", name: "loss > bps", data: thresholds },
    yAxis: { type: "value", name: "probability", max: 1 },
    series: rows.map((r) => ({
      name: `${r.name}${r.subset ? ` · ${r.subset}` : ""}`,
      type: "bar",
      data: thresholds.map((t) => r.prob_loss_above[t] ?? 0),
    })),
  }, true);
}

function drawExits(plot: Chart, histogram: Record<string, number>): void {
  const steps = Object.keys(histogram).sort((a, b) => Number(a) - Number(b));
  plot.setOption({
    tooltip: { trigger: "axis" },
    grid: { left: 60, right: 20, bottom: 40, top: 30 },
    xAxis: { type: "category", name: "steps", data: steps },
    yAxis: { type: "value", name: "exits" },
    series: [{ name: "exits", type: "bar", data: steps.map((s) => histogram[s]) }],
  }, true);
}
