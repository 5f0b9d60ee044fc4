// Amounts: exact integers (wei) from the node, shown in ETH with the exact wei on hover.

const WEI = 10n ** 18n;

/** The exact decimal of `wei` in ETH ("1234.5", no digit lost). */
export function exactEth(wei: string | bigint): string {
  const value = typeof wei === "bigint" ? wei : BigInt(wei);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const whole = abs / WEI;
  const fraction = (abs % WEI).toString().padStart(18, "0").replace(/0+$/, "");
  return `${negative ? "-" : ""}${whole}${fraction ? "." + fraction : ""}`;
}

/** ETH rounded for reading: grouped thousands, at most 4 decimals. */
export function shortEth(wei: string | bigint): string {
  const value = typeof wei === "bigint" ? wei : BigInt(wei);
  const scaled = Number(value / 10n ** 14n) / 1e4; // exact to 1e-4 ETH before the float
  return scaled.toLocaleString("en-US", { maximumFractionDigits: 4 });
}

/** ETH as a float, for plotting only. */
export function ethFloat(wei: string | bigint): number {
  const value = typeof wei === "bigint" ? wei : BigInt(wei);
  return Number(value / 10n ** 12n) / 1e6;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** An amount cell: `12.5 ETH`, with the exact value and wei in its title. */
export function ethHtml(wei: string | null | undefined, unit = "ETH"): string {
  if (wei === null || wei === undefined || wei === "") return "—";
  return `<span class="amount" title="${exactEth(wei)} ${unit} = ${wei} wei">${shortEth(wei)} ${unit}</span>`;
}

/** Seconds as "3 d 4 h", "12 min", "40 s". */
export function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} h`;
  return `${(seconds / 86400).toFixed(1)} d`;
}

export function link(kind: "operator" | "service" | "account", name: string): string {
  return `<a href="#/${kind}/${encodeURIComponent(name)}">${escapeHtml(name)}</a>`;
}
