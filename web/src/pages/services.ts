import { eventsOf, get, type Service } from "../api";
import { chart, stakeAndCost } from "../charts";
import { ethFloat, ethHtml, escapeHtml, link } from "../format";
import { describeEvent, refreshNames } from "../names";
import { figures, section, type Page } from "../page";
import { Table } from "../table";

const serviceColumns = [
  { key: "name", label: "service", value: (s: Service) => s.name, html: (s: Service) => link("service", s.name) },
  { key: "protocol", label: "protocol", value: (s: Service) => s.protocol },
  { key: "stake", label: "securing stake", value: (s: Service) => BigInt(s.securing_stake), html: (s: Service) => ethHtml(s.securing_stake), numeric: true },
  { key: "operators", label: "operators", value: (s: Service) => s.operators, numeric: true },
  { key: "threshold", label: "attack threshold", value: (s: Service) => s.attack_threshold, numeric: true },
  { key: "coc", label: "cost of corruption", value: (s: Service) => BigInt(s.cost_of_corruption), html: (s: Service) => ethHtml(s.cost_of_corruption) + (s.cost_of_corruption_exact ? "" : " (bound)"), numeric: true },
  { key: "margin", label: "margin (cost − profit)", value: (s: Service) => BigInt(s.margin), html: (s: Service) => ethHtml(s.margin), numeric: true },
  { key: "nakamoto", label: "Nakamoto coeff.", value: (s: Service) => s.nakamoto_coefficient, numeric: true },
  { key: "hhi", label: "HHI", value: (s: Service) => Number(s.hhi), numeric: true },
];

export function servicesPage(root: HTMLElement): Page {
  const table = new Table<Service>("services", serviceColumns, { sortKey: "stake" });
  const note = document.createElement("p");
  note.className = "note";
  note.textContent =
    "Every EigenLayer operator set, Symbiotic subnetwork, Karak DSS and (with slashing on) Jito NCN. " +
    "Cost of corruption: the least stake a coalition reaching the attack threshold loses (the risk engine). " +
    "Profit from corruption is off chain: the node counts 0, so the margin equals the cost.";
  section(root, "Services").append(note, table.element);
  const plot = chart(section(root, "Securing stake and cost of corruption"), 360, "services-stake");
  return {
    title: "Services",
    async refresh() {
      const page = await get<{ services: Service[] }>("/v1/services");
      table.setRows(page.services);
      stakeAndCost(
        plot,
        page.services.map((s) => ({ name: s.name, stake: ethFloat(s.securing_stake), cost: ethFloat(s.cost_of_corruption) })),
      );
    },
  };
}


export function servicePage(root: HTMLElement, name: string | null): Page {
  const info = section(root, `Service ${name ?? ""}`);
  const setFigures = figures(info, [
    ["protocol", "protocol"],
    ["avs", "AVS / network"],
    ["stake", "securing stake"],
    ["operators", "operators"],
    ["threshold", "attack threshold"],
    ["coc", "cost of corruption"],
    ["margin", "margin"],
    ["nakamoto", "Nakamoto coefficient"],
  ]);
  const slashing = document.createElement("p");
  slashing.className = "slashing";
  info.append(slashing);
  const members = new Table<{ operator: string; slashable: string; coalition: boolean }>(
    "members",
    [
      { key: "operator", label: "operator", value: (m) => m.operator, html: (m) => link("operator", m.operator) },
      { key: "slashable", label: "slashable by this service", value: (m) => BigInt(m.slashable), html: (m) => ethHtml(m.slashable), numeric: true },
      { key: "coalition", label: "in the cheapest corrupting coalition", value: (m) => (m.coalition ? "yes" : "") },
    ],
    { sortKey: "slashable" },
  );
  section(root, "Operators securing it").append(members.element);
  const slashes = new Table<{ seq: number; block: number; text: string }>(
    "service-slashes",
    [
      { key: "seq", label: "entry", value: (r) => r.seq, numeric: true },
      { key: "block", label: "block", value: (r) => r.block, numeric: true },
      { key: "text", label: "event", value: (r) => r.text },
    ],
    { sortKey: "seq" },
  );
  section(root, "Slashes by its AVS").append(slashes.element);
  return {
    title: `Service ${name}`,
    async refresh() {
      await refreshNames();
      const page = await get<{ services: Service[] }>("/v1/services");
      const service = page.services.find((s) => s.name === name);
      if (!service) {
        slashing.textContent = `No service named ${name} in the world now.`;
        return;
      }
      setFigures({
        protocol: escapeHtml(service.protocol),
        avs: service.avs ? link("account", service.avs) : "—",
        stake: ethHtml(service.securing_stake),
        operators: String(service.operators),
        threshold: escapeHtml(service.attack_threshold),
        coc: ethHtml(service.cost_of_corruption),
        margin: ethHtml(service.margin),
        nakamoto: String(service.nakamoto_coefficient),
      });
      slashing.textContent = `Slashing: ${service.slashing}.`;
      const coalition = new Set(service.corrupting_coalition);
      members.setRows(service.members.map((m) => ({ ...m, coalition: coalition.has(m.operator) })));
      if (service.avs) {
        const events = await eventsOf(service.avs, (e) => /Slash/.test(e.event));
        slashes.setRows(events.map((e) => ({ seq: e.seq, block: e.block, text: describeEvent(e) })));
      }
    },
  };
}
