import { get, type Operator, type Service } from "../api";
import { chart } from "../charts";
import { ethFloat, exactEth, escapeHtml } from "../format";
import { section, type Page } from "../page";
import { drawLookThrough } from "./operators";

/** Operators drawn in the heat map (the largest by stake, or those the filter matches). */
const ROWS = 120;

export function exposurePage(root: HTMLElement, account: string | null): Page {
  const mapSection = section(root, "Exposure: what each service can slash from each operator");
  const controls = document.createElement("div");
  controls.className = "table-bar";
  controls.innerHTML = `<input type="search" class="filter" placeholder="filter operators…"> <span class="count"></span>`;
  mapSection.append(controls);
  const filterInput = controls.querySelector("input")!;
  const count = controls.querySelector(".count")!;
  const holder = document.createElement("div");
  mapSection.append(holder);
  let plot: ReturnType<typeof chart> | null = null;
  let data: { operators: Operator[]; services: Service[] } | null = null;

  const lookSection = section(root, "Look-through: who can slash an account");
  const form = document.createElement("form");
  form.className = "lookthrough";
  form.innerHTML = `<input name="account" placeholder="0x… or a name (alice, an LRT, a staker)" size="48"> <button>look through</button>`;
  const result = document.createElement("div");
  lookSection.append(form, result);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = (form.elements.namedItem("account") as HTMLInputElement).value.trim();
    if (value) location.hash = `#/account/${encodeURIComponent(value)}`;
  });
  if (account) (form.elements.namedItem("account") as HTMLInputElement).value = account;

  const draw = () => {
    if (!data) return;
    const filter = filterInput.value.trim().toLowerCase();
    const operators = data.operators
      .filter((o) => !filter || o.name.toLowerCase().includes(filter))
      .sort((a, b) => (BigInt(b.stake) > BigInt(a.stake) ? 1 : BigInt(b.stake) < BigInt(a.stake) ? -1 : 0))
      .slice(0, ROWS);
    const services = data.services.map((s) => s.name).sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
    const column = new Map(services.map((s, i) => [s, i]));
    const cells: [number, number, number][] = [];
    const exact: Record<string, string> = {};
    let max = 0;
    operators.forEach((operator, row) => {
      for (const allocation of operator.allocations) {
        const x = column.get(allocation.service);
        if (x === undefined) continue;
        const eth = ethFloat(allocation.slashable);
        max = Math.max(max, eth);
        cells.push([x, row, eth]);
        exact[`${operator.name}|${allocation.service}`] = allocation.slashable;
      }
    });
    window.__rampart.heatmap = exact;
    // A few operators hold most stake: scale colours to the 95th percentile so the rest show.
    const sorted = cells.map((c) => c[2]).sort((a, b) => a - b);
    const scale = sorted[Math.floor(sorted.length * 0.95)] ?? max;
    count.textContent = `${operators.length} of ${data.operators.length} operators (largest stake first), ${services.length} services`;
    const height = Math.max(260, operators.length * 14 + 140);
    if (!plot || plot.getDom().clientHeight !== height) {
      holder.replaceChildren();
      plot = chart(holder, height, "exposure-heatmap");
      plot.on("click", (p) => {
        const value = p.value as [number, number, number];
        location.hash = `#/operator/${encodeURIComponent(operators[value[1]].name)}`;
      });
    }
    const names = operators.map((o) => o.name);
    plot.setOption(
      {
        tooltip: {
          formatter: (p: { value: [number, number, number] }) => {
            const [x, y] = p.value;
            const wei = exact[`${names[y]}|${services[x]}`];
            return `${escapeHtml(names[y])} × ${escapeHtml(services[x])}<br>${exactEth(wei)} ETH<br>${wei} wei`;
          },
        },
        grid: { left: 140, right: 90, top: 20, bottom: 110 },
        xAxis: { type: "category", data: services, axisLabel: { rotate: 60, interval: 0 }, splitArea: { show: true } },
        yAxis: { type: "category", data: names, inverse: true, axisLabel: { interval: 0, fontSize: 10 } },
        visualMap: { min: 0, max: scale || 1, calculable: true, orient: "vertical", right: 0, top: "middle", text: ["ETH", ""] },
        series: [{ type: "heatmap", data: cells, progressive: 0, animation: false }],
      },
      { notMerge: true },
    );
  };
  filterInput.addEventListener("input", draw);

  return {
    title: "Exposure",
    async refresh() {
      const [operators, services] = await Promise.all([
        get<{ operators: Operator[] }>("/v1/operators"),
        get<{ services: Service[] }>("/v1/services"),
      ]);
      data = { operators: operators.operators, services: services.services };
      draw();
      if (account) await drawLookThrough(result, account);
    },
  };
}
