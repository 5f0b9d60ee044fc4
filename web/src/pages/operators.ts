import { eventsOf, get, view, type Operator } from "../api";
import { ethHtml, escapeHtml, link } from "../format";
import { describeEvent, refreshNames, rename } from "../names";
import { figures, looksLikeWei, section, type Page } from "../page";
import { Table } from "../table";

export function operatorsPage(root: HTMLElement): Page {
  const table = new Table<Operator>(
    "operators",
    [
      { key: "name", label: "operator", value: (o) => o.name, html: (o) => link("operator", o.name) },
      { key: "stake", label: "stake", value: (o) => BigInt(o.stake), html: (o) => ethHtml(o.stake), numeric: true },
      { key: "services", label: "services", value: (o) => o.services, numeric: true },
      { key: "slashable", label: "slashable, all services", value: (o) => BigInt(o.slashable_total), html: (o) => ethHtml(o.slashable_total), numeric: true },
      { key: "degree", label: "restaking degree", value: (o) => (o.restaking_degree === null ? null : Number(o.restaking_degree)), numeric: true },
    ],
    { sortKey: "stake" },
  );
  section(root, "Operators").append(table.element);
  return {
    title: "Operators",
    async refresh() {
      const page = await get<{ operators: Operator[] }>("/v1/operators");
      table.setRows(page.operators);
    },
  };
}

interface SlashRow { seq: number; block: number; event: string; text: string }

export function operatorPage(root: HTMLElement, name: string | null): Page {
  const info = section(root, `Operator ${name ?? ""}`);
  const setFigures = figures(info, [
    ["address", "address"],
    ["stake", "stake"],
    ["services", "services"],
    ["slashable", "slashable, all services"],
    ["slashes", "slash events"],
  ]);
  const allocations = new Table<{ service: string; slashable: string }>(
    "allocations",
    [
      { key: "service", label: "service", value: (a) => a.service, html: (a) => link("service", a.service) },
      { key: "slashable", label: "slashable by it", value: (a) => BigInt(a.slashable), html: (a) => ethHtml(a.slashable), numeric: true },
    ],
    { sortKey: "slashable" },
  );
  section(root, "Allocations per service").append(allocations.element);
  const strategies = new Table<Operator["eigenlayer_strategies"][number]>(
    "strategies",
    [
      { key: "strategy", label: "EigenLayer strategy", value: (s) => s.strategy },
      { key: "shares", label: "delegated shares", value: (s) => BigInt(s.shares), html: (s) => ethHtml(s.shares, "shares"), numeric: true },
      { key: "max", label: "max magnitude", value: (s) => BigInt(s.max_magnitude), html: (s) => ethHtml(s.max_magnitude, "WAD"), numeric: true },
    ],
    { sortKey: "strategy", descending: false },
  );
  section(root, "Delegated stake").append(strategies.element);
  const history = new Table<SlashRow>(
    "slash-history",
    [
      { key: "seq", label: "entry", value: (r) => r.seq, numeric: true },
      { key: "block", label: "block", value: (r) => r.block, numeric: true },
      { key: "event", label: "event", value: (r) => r.event },
      { key: "text", label: "details", value: (r) => r.text },
    ],
    { sortKey: "seq" },
  );
  section(root, "Slash history").append(history.element);
  const exposure = document.createElement("div");
  section(root, "Who can slash it (look-through)").append(exposure);
  return {
    title: `Operator ${name}`,
    async refresh() {
      await refreshNames();
      const page = await get<{ operators: Operator[] }>("/v1/operators");
      const operator = page.operators.find((o) => o.name === name || o.address === name);
      const account = operator?.address ?? name ?? "";
      const slashes = await eventsOf(account, (e) => /Slash/.test(e.event));
      setFigures({
        address: escapeHtml(operator?.address ?? "—"),
        stake: ethHtml(operator?.stake ?? "0"),
        services: String(operator?.services ?? 0),
        slashable: ethHtml(operator?.slashable_total ?? "0"),
        slashes: String(slashes.length),
      });
      allocations.setRows(operator?.allocations ?? []);
      strategies.setRows(operator?.eigenlayer_strategies ?? []);
      history.setRows(slashes.map((e) => ({ seq: e.seq, block: e.block, event: e.event, text: describeEvent(e) })));
      await drawLookThrough(exposure, account);
    },
  };
}

/** `world.exposure` for an account as a table: every service that can slash its positions. */
export async function drawLookThrough(target: HTMLElement, account: string): Promise<void> {
  if (!account) return;
  let rows: Record<string, unknown>[];
  try {
    rows = rename(await view<Record<string, unknown>[]>("world.exposure", { account })) as Record<string, unknown>[];
  } catch (error) {
    target.innerHTML = `<p class="error">${escapeHtml(String(error))}</p>`;
    return;
  }
  if (rows.length === 0) {
    target.innerHTML = `<p class="note">No service can slash ${escapeHtml(account)}'s positions.</p>`;
    return;
  }
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (key: string, value: unknown) => {
    if (looksLikeWei(key, value)) return ethHtml(value, "");
    if (typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value)) return link("account", value);
    return escapeHtml(typeof value === "object" ? JSON.stringify(value) : String(value));
  };
  const table = new Table<Record<string, unknown>>(
    "lookthrough",
    keys.map((key) => ({
      key,
      label: key.replace(/_/g, " "),
      value: (r: Record<string, unknown>) => {
        const v = r[key];
        return looksLikeWei(key, v) ? BigInt(v) : typeof v === "object" ? JSON.stringify(v) : (v as string | number);
      },
      html: (r: Record<string, unknown>) => cell(key, r[key]),
    })),
  );
  target.replaceChildren(table.element);
  table.setRows(rows);
}
