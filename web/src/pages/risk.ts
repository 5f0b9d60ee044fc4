import { get, type Json } from "../api";
import { chart, stakeAndCost } from "../charts";
import { escapeHtml, link } from "../format";
import { figures, section, type Page } from "../page";
import { Table } from "../table";

interface PerService { name: string; securing_stake: string; cost_of_corruption: string; operators: number; nakamoto_coefficient: number; hhi: string; attack_threshold: string; profit_to_cost: string | null }

/** The risk engine's decimals (whole ETH with up to 18 places) as a float for plotting. */
const num = (text: string | null | undefined) => (text ? Number(text) : NaN);

export function riskPage(root: HTMLElement): Page {
  const summary = section(root, "Risk report of the live world");
  const setFigures = figures(summary, [
    ["secure", "secure (certified)"],
    ["gamma_el", "γ, EigenLayer condition"],
    ["gamma_lp", "γ, LP certificate"],
    ["total", "total stake (ETH)"],
    ["degree", "restaking degree"],
    ["hhi", "operator HHI"],
    ["free", "services attackable for free"],
  ]);
  const note = document.createElement("p");
  note.className = "note";
  note.textContent =
    "As `rampart risk` on the node's world, without the exact attack search. Profit from corruption is off chain and counted 0 here, " +
    "so the certificates say how much slack the stake leaves, not whether a given attack pays.";
  summary.append(note);
  const lossPlot = chart(section(root, "Worst-case loss against shock"), 320, "loss-against-shock");
  const cocPlot = chart(section(root, "Cost of corruption per service"), 360, "cost-of-corruption");
  const table = new Table<PerService>(
    "risk-services",
    [
      { key: "name", label: "service", value: (s) => s.name, html: (s) => link("service", s.name) },
      { key: "stake", label: "securing stake (ETH)", value: (s) => num(s.securing_stake), html: (s) => escapeHtml(s.securing_stake), numeric: true },
      { key: "coc", label: "cost of corruption (ETH)", value: (s) => num(s.cost_of_corruption), html: (s) => escapeHtml(s.cost_of_corruption), numeric: true },
      { key: "threshold", label: "threshold", value: (s) => s.attack_threshold, numeric: true },
      { key: "nakamoto", label: "Nakamoto", value: (s) => s.nakamoto_coefficient, numeric: true },
      { key: "hhi", label: "HHI", value: (s) => num(s.hhi), numeric: true },
    ],
    { sortKey: "stake" },
  );
  section(root, "Per service").append(table.element);
  return {
    title: "Risk",
    async refresh() {
      const report = await get<Json>("/v1/risk");
      setFigures({
        secure: report.secure === true ? "yes" : report.secure === false ? "no" : "not certified",
        gamma_el: escapeHtml(String(report.gamma_el ?? "—")),
        gamma_lp: escapeHtml(String(report.gamma_lp ?? "—")),
        total: escapeHtml(String(report.total_stake)),
        degree: escapeHtml(String(report.restaking_degree)),
        hhi: escapeHtml(String(report.operator_hhi)),
        free: escapeHtml((report.free_attacks ?? []).join(", ") || "none"),
      });
      const losses = (report.worst_case_loss ?? []) as Json[];
      lossPlot.setOption({
        tooltip: { trigger: "axis" },
        legend: {},
        grid: { left: 60, right: 20, top: 40, bottom: 40 },
        xAxis: { type: "category", name: "shock ψ", data: losses.map((l) => l.shock) },
        yAxis: { type: "value", name: "share of stake lost" },
        series: [
          { name: "proven bound", type: "line", data: losses.map((l) => num(l.bound)) },
          { name: "simulated cascade", type: "line", data: losses.map((l) => num(l.simulated)) },
        ],
      });
      const services = (report.per_service ?? []) as PerService[];
      table.setRows(services);
      stakeAndCost(
        cocPlot,
        services.map((s) => ({ name: s.name, stake: num(s.securing_stake), cost: num(s.cost_of_corruption) })),
      );
    },
  };
}
