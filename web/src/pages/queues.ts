import { get, type Json } from "../api";
import { duration, ethHtml, escapeHtml, link } from "../format";
import { figures, section, type Page } from "../page";
import { Table } from "../table";

const SECONDS_PER_EPOCH = 384;
const GWEI = 1_000_000_000n;

interface Withdrawal { root: string; staker: string; delegated_to: string; start_block: number; completable_at_block: number; blocks_left: number; strategies: string[]; scaled_shares: string[] }

export function queuesPage(root: HTMLElement): Page {
  const beacon = section(root, "Beacon chain queues");
  const setFigures = figures(beacon, [
    ["validators", "validators"],
    ["entry", "entry queue"],
    ["entry_wait", "entry wait"],
    ["exit_wait", "exit queue wait"],
    ["churn", "churn per epoch"],
    ["finality", "finalized epoch"],
    ["leak", "inactivity leak"],
  ]);
  const withdrawalsSection = section(root, "EigenLayer withdrawals maturing");
  const note = document.createElement("p");
  note.className = "note";
  withdrawalsSection.append(note);
  const table = new Table<Withdrawal>(
    "withdrawals",
    [
      { key: "staker", label: "staker", value: (w) => w.staker, html: (w) => link("account", w.staker) },
      { key: "operator", label: "delegated to", value: (w) => w.delegated_to, html: (w) => link("operator", w.delegated_to) },
      { key: "start", label: "queued at block", value: (w) => w.start_block, numeric: true },
      { key: "due", label: "completable at block", value: (w) => w.completable_at_block, numeric: true },
      { key: "left", label: "wait", value: (w) => w.blocks_left, html: (w) => (w.blocks_left === 0 ? "completable" : `${w.blocks_left} blocks (${duration(w.blocks_left * 12)})`), numeric: true },
      { key: "strategies", label: "strategies", value: (w) => w.strategies.join(", ") },
      { key: "shares", label: "scaled shares", value: (w) => w.scaled_shares.reduce((a, s) => a + BigInt(s), 0n), html: (w) => w.scaled_shares.map((s) => ethHtml(s, "shares")).join(", "), numeric: true },
    ],
    { sortKey: "due", descending: false },
  );
  withdrawalsSection.append(table.element);
  return {
    title: "Queues",
    async refresh() {
      const page = await get<{ beacon: Json; withdrawals: { total: number; delay_blocks: number; listed: Withdrawal[] } }>("/v1/queues");
      const q = page.beacon.queues ?? {};
      const f = page.beacon.finality ?? {};
      setFigures({
        validators: String(page.beacon.validators),
        entry: q.entry_queue_gwei === undefined ? "—" : ethHtml((BigInt(q.entry_queue_gwei) * GWEI).toString()),
        entry_wait: q.entry_queue_epochs === undefined ? "—" : `${q.entry_queue_epochs} epochs (${duration(q.entry_queue_epochs * SECONDS_PER_EPOCH)})`,
        exit_wait: q.exit_queue_epochs === undefined ? "—" : `${q.exit_queue_epochs} epochs (${duration(q.exit_queue_epochs * SECONDS_PER_EPOCH)}), then the withdrawal sweep`,
        churn: q.churn_per_epoch_gwei === undefined ? "—" : ethHtml((BigInt(q.churn_per_epoch_gwei) * GWEI).toString()),
        finality: escapeHtml(String(f.finalized_epoch ?? "—")),
        leak: f.in_inactivity_leak ? "yes" : "no",
      });
      note.textContent = `${page.withdrawals.total} queued withdrawals; each completes ${page.withdrawals.delay_blocks} blocks after it was queued (the soonest ${page.withdrawals.listed.length} listed).`;
      table.setRows(page.withdrawals.listed);
    },
  };
}
