import { get, type Json } from "../api";
import { duration, ethHtml, escapeHtml } from "../format";
import { looksLikeWei, section, type Page } from "../page";
import { Table } from "../table";

interface Lrt { address: string; name: string; symbol: string; preset: string; info: Json; nav: Json; exit_routes: Json }

export function lrtsPage(root: HTMLElement): Page {
  const table = new Table<Lrt>(
    "lrts",
    [
      { key: "symbol", label: "LRT", value: (l) => l.symbol, html: (l) => `<a href="#/lrts/${encodeURIComponent(l.symbol)}">${escapeHtml(l.symbol)}</a>` },
      { key: "preset", label: "behaves like", value: (l) => String(l.preset) },
      { key: "nav", label: "NAV", value: (l) => big(l.info?.nav), html: (l) => ethHtml(l.info?.nav), numeric: true },
      { key: "live", label: "live NAV", value: (l) => big(l.info?.live_nav), html: (l) => ethHtml(l.info?.live_nav), numeric: true },
      { key: "supply", label: "supply", value: (l) => big(l.info?.supply), html: (l) => ethHtml(l.info?.supply, l.symbol), numeric: true },
      { key: "rate", label: "rate (ETH per token)", value: (l) => big(l.info?.rate), html: (l) => ethHtml(l.info?.rate), numeric: true },
      { key: "pending", label: "pending withdrawals", value: (l) => big(l.info?.pending_withdrawal_shares), html: (l) => ethHtml(l.info?.pending_withdrawal_shares, l.symbol), numeric: true },
    ],
    { sortKey: "nav" },
  );
  section(root, "Liquid restaking tokens").append(table.element);
  const details = document.createElement("div");
  root.append(details);
  return {
    title: "LRTs",
    async refresh() {
      const page = await get<{ lrts: Lrt[] }>("/v1/lrts");
      table.setRows(page.lrts);
      details.innerHTML = page.lrts.map(lrtCard).join("") || `<p class="note">No LRT in this world. The LRT scenarios (scenarios/lrt) create some.</p>`;
    },
  };
}

function big(value: unknown): bigint | null {
  return typeof value === "string" && /^\d+$/.test(value) ? BigInt(value) : null;
}

function lrtCard(lrt: Lrt): string {
  const backing = Object.entries(lrt.nav ?? {})
    .map(([key, value]) => `<tr><td>${escapeHtml(key.replace(/_/g, " "))}</td><td class="num">${looksLikeWei(key, value) || /^\d+$/.test(String(value)) ? ethHtml(String(value)) : escapeHtml(JSON.stringify(value))}</td></tr>`)
    .join("");
  const routes = Array.isArray(lrt.exit_routes) ? lrt.exit_routes : [];
  const routeRows = routes
    .map((route: Json) => {
      const seconds = Number(route.seconds ?? route.wait_seconds ?? route.time_seconds ?? NaN);
      const rest = Object.entries(route)
        .filter(([k]) => !["route", "name", "seconds", "wait_seconds", "time_seconds"].includes(k))
        .map(([k, v]) => `${escapeHtml(k.replace(/_/g, " "))}: ${looksLikeWei(k, v) ? ethHtml(v as string) : escapeHtml(typeof v === "object" ? JSON.stringify(v) : String(v))}`)
        .join("; ");
      return `<tr><td>${escapeHtml(String(route.route ?? route.name ?? "route"))}</td><td>${Number.isNaN(seconds) ? "—" : duration(seconds)}</td><td>${rest}</td></tr>`;
    })
    .join("");
  const routesHtml = Array.isArray(lrt.exit_routes)
    ? `<table><thead><tr><th>exit route</th><th>time</th><th>cost and what it returns, for one ${escapeHtml(lrt.symbol)}</th></tr></thead><tbody>${routeRows}</tbody></table>`
    : `<p class="note">${escapeHtml(JSON.stringify(lrt.exit_routes))}</p>`;
  return `<section class="lrt" id="lrt-${escapeHtml(lrt.symbol)}"><h2>${escapeHtml(lrt.symbol)} <small>${escapeHtml(String(lrt.preset))}, ${escapeHtml(lrt.address)}</small></h2>
    <div class="two"><div><h3>Backing by component (buffer included)</h3><table><tbody>${backing}</tbody></table></div>
    <div><h3>Exit routes now</h3>${routesHtml}</div></div></section>`;
}
