// What every page is: it builds its skeleton once, then `refresh` fetches and fills it (again
// whenever the stream brings new entries, at most every few hundred milliseconds).

import type { Entry } from "./api";

export interface Page {
  /** The page's heading. */
  title: string;
  /** Fetches and (re)draws the data; rejects with what went wrong. */
  refresh(): Promise<void>;
  /** New entries from the stream, batched; the page may draw them at once. */
  onEntries?(entries: Entry[]): void;
  /** The least time between two refreshes while entries stream in (default 300 ms). */
  refreshMs?: number;
  /** Whether entries like these change what the page shows (default: any entry does). */
  affectedBy?(entries: Entry[]): boolean;
}

export type PageFactory = (root: HTMLElement, param: string | null) => Page;

/** A titled section appended to `root`. */
export function section(root: HTMLElement, title: string, id?: string): HTMLElement {
  const element = document.createElement("section");
  if (id) element.id = id;
  const heading = document.createElement("h2");
  heading.textContent = title;
  element.append(heading);
  root.append(element);
  return element;
}

/** A grid of labelled figures; `set` fills them by key. */
export function figures(root: HTMLElement, items: [string, string][]): (values: Record<string, string>) => void {
  const grid = document.createElement("div");
  grid.className = "figures";
  const cells = new Map<string, HTMLElement>();
  for (const [key, label] of items) {
    const cell = document.createElement("div");
    cell.className = "figure";
    cell.innerHTML = `<div class="label"></div><div class="value" data-figure="${key}">…</div>`;
    (cell.firstElementChild as HTMLElement).textContent = label;
    cells.set(key, cell.lastElementChild as HTMLElement);
    grid.append(cell);
  }
  root.append(grid);
  return (values) => {
    for (const [key, html] of Object.entries(values)) {
      const cell = cells.get(key);
      if (cell) cell.innerHTML = html;
    }
  };
}

/** Whether a value looks like an amount in wei (a long decimal integer under a money name). */
export function looksLikeWei(key: string, value: unknown): value is string {
  return (
    typeof value === "string" &&
    /^\d{5,}$/.test(value) &&
    /nav|amount|shares|supply|assets|value|cost|balance|buffer|eth|stake|total|loss|out|fee/i.test(key)
  );
}
