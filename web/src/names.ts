// Addresses by the names people used in calls (`/v1/names`), for events read from the log.

import { get } from "./api";

let known = new Map<string, string>();
let fetched = 0;

export async function refreshNames(force = false): Promise<void> {
  if (!force && Date.now() - fetched < 2000) return;
  fetched = Date.now();
  const result = await get<{ names: Record<string, string> }>("/v1/names");
  known = new Map(Object.entries(result.names).map(([a, n]) => [a.toLowerCase(), n]));
}

export function nameOf(address: string): string {
  return known.get(address.toLowerCase()) ?? address;
}

/** `value` with every known address replaced by its name. */
export function rename(value: unknown): unknown {
  if (typeof value === "string") return /^0x[0-9a-fA-F]{40}$/.test(value) ? nameOf(value) : value;
  if (Array.isArray(value)) return value.map(rename);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rename(v)]));
  }
  return value;
}

/** `Name(field=value, …)` for an event, addresses by name. */
export function describeEvent(event: Record<string, unknown>): string {
  const skip = new Set(["event", "seq", "block", "index"]);
  const fields = Object.entries(event)
    .filter(([k]) => !skip.has(k))
    .map(([k, v]) => `${k}=${typeof v === "string" ? rename(v) : JSON.stringify(rename(v))}`);
  return `${String(event.event)}(${fields.join(", ")})`;
}
