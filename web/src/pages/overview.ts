import { get, type Entry, type LoggedEvent, type Overview } from "../api";
import { ethHtml, escapeHtml } from "../format";
import { describeEvent, refreshNames } from "../names";
import { figures, section, type Page } from "../page";
import { Table } from "../table";

const LATEST = 50;

interface Row { seq: number; block: number; index: number; text: string; event: string }

export function overviewPage(root: HTMLElement): Page {
  const top = section(root, "Network");
  const setFigures = figures(top, [
    ["block", "block"],
    ["time", "block time (UTC)"],
    ["entries", "log entries"],
    ["services", "services"],
    ["operators", "operators"],
    ["links", "operator–service links"],
    ["lrts", "LRTs"],
    ["validators", "validators"],
    ["withdrawals", "queued withdrawals"],
  ]);
  const totals = new Table<Overview["totals"][number]>(
    "totals",
    [
      { key: "protocol", label: "protocol", value: (r) => r.protocol },
      { key: "asset", label: "asset", value: (r) => r.asset },
      { key: "amount", label: "amount", value: (r) => BigInt(r.amount), html: (r) => ethHtml(r.amount, ""), numeric: true },
    ],
    { sortKey: "protocol", descending: false },
  );
  section(root, "Totals per protocol and asset").append(totals.element);
  const eventsSection = section(root, "Latest events (live)");
  const rate = document.createElement("p");
  rate.className = "note";
  eventsSection.append(rate);
  const list = document.createElement("ol");
  list.className = "events";
  list.id = "latest-events";
  eventsSection.append(list);
  let latest: Row[] = [];
  let firstDraw = true;

  const draw = () => {
    list.innerHTML = latest
      .map(
        (r) =>
          `<li data-event="${escapeHtml(r.event)}"><span class="pos">${r.seq}.${r.index}</span> <span class="blk">block ${r.block}</span> ${escapeHtml(r.text)}</li>`,
      )
      .join("");
  };

  return {
    title: "Overview",
    // The events list follows the stream itself; the counts and totals, summarised from the
    // whole world on the node, need not follow faster than once a second.
    refreshMs: 1000,
    async refresh() {
      const overview = await get<Overview>("/v1/overview");
      await refreshNames();
      if (firstDraw) {
        const from = Math.max(0, overview.entries - LATEST);
        const page = await get<{ events: LoggedEvent[] }>(`/v1/events?from=${from}`);
        latest = page.events
          .slice(-LATEST)
          .reverse()
          .map((e) => ({ seq: e.seq, block: e.block, index: e.index, event: e.event, text: describeEvent(e) }));
        draw();
      }
      const c = overview.counts;
      setFigures({
        block: String(overview.block),
        time: new Date(overview.timestamp * 1000).toISOString().replace("T", " ").slice(0, 19),
        entries: String(overview.entries),
        services: String(c.services),
        operators: String(c.operators),
        links: String(c.links),
        lrts: String(c.lrts),
        validators: String(c.validators),
        withdrawals: String(c.queued_withdrawals),
      });
      totals.setRows(overview.totals);
      if (firstDraw) {
        firstDraw = false;
        const rendered = performance.now();
        window.__rampart.overviewRenderedMs ??= rendered;
        document.body.dataset.overviewRendered = String(Math.round(rendered));
      }
    },
    onEntries(entries: Entry[]) {
      const rows: Row[] = [];
      for (const entry of entries) {
        entry.events.forEach((event, index) =>
          rows.push({ seq: entry.seq, block: entry.block, index, event: event.event, text: describeEvent(event) }),
        );
      }
      // Newest first; only the last LATEST rows are ever drawn, however fast they come.
      latest = rows.slice(-LATEST).reverse().concat(latest).slice(0, LATEST);
      const stream = window.__rampart.live;
      rate.textContent = `${stream.rate} events in the last second`;
      draw();
    },
  };
}
