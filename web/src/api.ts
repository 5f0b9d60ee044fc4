// The node's public API, typed as far as the dashboard reads it.

export type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

export class ApiError extends Error {}

export async function get<T = Json>(path: string): Promise<T> {
  const response = await fetch(path, { headers: { accept: "application/json" } });
  if (!response.ok) {
    const body = await response.json().catch(() => null);
    throw new ApiError(`${path}: ${response.status} ${body?.error?.message ?? response.statusText}`);
  }
  return response.json() as Promise<T>;
}

/** A read-only view (`POST /v1/views`). */
export async function view<T = Json>(name: string, args: Json): Promise<T> {
  const response = await fetch("/v1/views", {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({ view: name, args }),
  });
  const body = await response.json();
  if (!response.ok) throw new ApiError(body?.error?.message ?? `${response.status}`);
  return body.value as T;
}

export interface Overview {
  block: number;
  timestamp: number;
  entries: number;
  chain_id: number;
  totals: { protocol: string; asset: string; amount: string }[];
  counts: Record<string, number>;
}

export interface Member { operator: string; slashable: string }

export interface Service {
  name: string;
  protocol: string;
  avs: string | null;
  slashing: string;
  securing_stake: string;
  operators: number;
  attack_threshold: string;
  profit_from_corruption: string;
  cost_of_corruption: string;
  cost_of_corruption_exact: boolean;
  margin: string;
  corrupting_coalition: string[];
  nakamoto_coefficient: number;
  hhi: string;
  members: Member[];
}

export interface Allocation { service: string; slashable: string }

export interface Operator {
  name: string;
  address: string | null;
  stake: string;
  services: number;
  slashable_total: string;
  restaking_degree: string | null;
  allocations: Allocation[];
  eigenlayer_strategies: { strategy: string; shares: string; max_magnitude: string }[];
}

/** One event of the log, with its position (`/v1/events`). */
export interface LoggedEvent { event: string; seq: number; block: number; index: number; [field: string]: Json }

/** One entry of the live stream. */
export interface Entry { seq: number; block: number; sender: string; call: string; events: { event: string; [field: string]: Json }[] }

/** Every event mentioning `address`, oldest first (pages through `/v1/events`). */
export async function eventsOf(address: string, keep: (e: LoggedEvent) => boolean): Promise<LoggedEvent[]> {
  const found: LoggedEvent[] = [];
  let cursor = { from: 0, index: 0 };
  for (let page = 0; page < 200; page++) {
    const result = await get<{ events: LoggedEvent[]; next: number; next_index: number }>(
      `/v1/events?from=${cursor.from}&index=${cursor.index}&address=${encodeURIComponent(address)}`,
    );
    found.push(...result.events.filter(keep));
    if (result.next === cursor.from && result.next_index === cursor.index) break;
    cursor = { from: result.next, index: result.next_index };
  }
  return found;
}
