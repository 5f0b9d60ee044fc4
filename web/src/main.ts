// The dashboard: hash routes (#/operators, #/operator/NAME), one page at a time, refreshed
// from the node's API whenever the live stream brings entries (throttled), so what the page
// shows follows the node within a fraction of a second.

import "./style.css";
import { disposeCharts } from "./charts";
import { refreshNames } from "./names";
import type { Page, PageFactory } from "./page";
import { exposurePage } from "./pages/exposure";
import { lrtsPage } from "./pages/lrts";
import { operatorPage, operatorsPage } from "./pages/operators";
import { overviewPage } from "./pages/overview";
import { queuesPage } from "./pages/queues";
import { riskPage } from "./pages/risk";
import { servicePage, servicesPage } from "./pages/services";
import { simulationsPage } from "./pages/simulations";
import { live } from "./stream";

window.__rampart = { live, refreshes: 0 };

/** The pages in the menu, and the detail pages a link opens. */
const MENU: [string, string][] = [
  ["", "Overview"],
  ["services", "Services"],
  ["operators", "Operators"],
  ["exposure", "Exposure"],
  ["lrts", "LRTs"],
  ["queues", "Queues"],
  ["risk", "Risk"],
  ["simulations", "Simulations"],
];
const ROUTES: Record<string, PageFactory> = {
  "": (root) => overviewPage(root),
  services: (root) => servicesPage(root),
  service: (root, p) => servicePage(root, p),
  operators: (root) => operatorsPage(root),
  operator: (root, p) => operatorPage(root, p),
  exposure: (root) => exposurePage(root, null),
  account: (root, p) => exposurePage(root, p),
  lrts: (root) => lrtsPage(root),
  queues: (root) => queuesPage(root),
  risk: (root) => riskPage(root),
  simulations: (root, p) => simulationsPage(root, p),
};

/** Refreshes at most this often while entries stream in. */
const REFRESH_MS = 300;

const main = document.getElementById("page")!;
const nav = document.getElementById("nav")!;
const clock = document.getElementById("clock")!;
const liveBadge = document.getElementById("live")!;

nav.innerHTML = MENU.map(([path, label]) => `<a href="#/${path}" data-nav="${path || "overview"}">${label}</a>`).join("");

let current: Page | null = null;
let generation = 0;
let refreshing = false;
let again = false;
let lastRefresh = 0;
let timer: number | null = null;

function route(): void {
  const [, kind = "", ...rest] = location.hash.replace(/^#/, "").split("/");
  const param = rest.length ? decodeURIComponent(rest.join("/")) : null;
  const factory = ROUTES[kind] ?? ROUTES[""];
  disposeCharts(main);
  main.replaceChildren();
  generation++;
  window.__rampart.hash = location.hash || "#/";
  window.__rampart.refreshes = 0;
  current = factory(main, param);
  document.title = `${current.title} · Rampart`;
  for (const link of nav.querySelectorAll<HTMLAnchorElement>("a")) {
    const target = link.dataset.nav === "overview" ? "" : link.dataset.nav;
    link.classList.toggle("active", target === kind || (kind === "operator" && target === "operators") || (kind === "service" && target === "services") || (kind === "account" && target === "exposure"));
  }
  void refresh();
}

/** Runs the page's refresh; a request while one runs is folded into one more run after it. */
async function refresh(): Promise<void> {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = true;
  const page = current;
  const mine = generation;
  try {
    await page?.refresh();
    if (mine === generation) window.__rampart.refreshes++;
    main.querySelector(".error-banner")?.remove();
  } catch (error) {
    if (mine === generation) showError(error);
  } finally {
    refreshing = false;
    lastRefresh = performance.now();
    if (again) {
      again = false;
      scheduleRefresh();
    }
  }
}

function scheduleRefresh(): void {
  if (timer !== null) return;
  const wait = Math.max(0, (current?.refreshMs ?? REFRESH_MS) - (performance.now() - lastRefresh));
  timer = window.setTimeout(() => {
    timer = null;
    void refresh();
  }, wait);
}

function showError(error: unknown): void {
  let banner = main.querySelector(".error-banner");
  if (!banner) {
    banner = document.createElement("p");
    banner.className = "error-banner";
    main.prepend(banner);
  }
  banner.textContent = `Could not read the node: ${String(error)}`;
}

live.subscribe((entries) => {
  if (entries.length === 0) return;
  const last = entries[entries.length - 1];
  clock.textContent = `block ${last.block} · entry ${last.seq}`;
  current?.onEntries?.(entries);
  if (current?.affectedBy?.(entries) ?? true) scheduleRefresh();
});
live.start((online) => {
  liveBadge.textContent = online ? "live" : "offline";
  liveBadge.className = `live ${online ? "on" : "off"}`;
});

async function showClock(): Promise<void> {
  const health = await fetch("/health").then((r) => r.json());
  clock.textContent = `block ${health.block} · entry ${health.entries - 1}`;
}

window.addEventListener("hashchange", route);
void refreshNames(true).catch(() => undefined).finally(route);
void showClock().catch(() => undefined);
