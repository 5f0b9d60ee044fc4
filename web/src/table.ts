// A table that sorts (click a header) and filters (type in the box), keeping both across
// refreshes: the page hands it new rows and only the body is redrawn.

export interface Column<R> {
  key: string;
  label: string;
  /** The value sorted by (bigint for wei amounts: exact order). */
  value: (row: R) => string | number | bigint | null;
  /** The cell's HTML (escaped by the caller); defaults to the value as text. */
  html?: (row: R) => string;
  numeric?: boolean;
}

export class Table<R> {
  readonly element: HTMLElement;
  private rows: R[] = [];
  private sortKey: string | null;
  private descending: boolean;
  private filter = "";
  private readonly body: HTMLTableSectionElement;
  private readonly count: HTMLElement;
  private readonly headers = new Map<string, HTMLTableCellElement>();

  constructor(
    readonly id: string,
    private readonly columns: Column<R>[],
    options: { sortKey?: string; descending?: boolean; limit?: number } = {},
  ) {
    this.sortKey = options.sortKey ?? null;
    this.descending = options.descending ?? true;
    this.limit = options.limit ?? 2000;
    this.element = document.createElement("div");
    this.element.className = "table";
    this.element.dataset.table = id;
    const bar = document.createElement("div");
    bar.className = "table-bar";
    const input = document.createElement("input");
    input.type = "search";
    input.placeholder = "filter…";
    input.className = "filter";
    input.addEventListener("input", () => {
      this.filter = input.value.trim().toLowerCase();
      this.draw();
    });
    this.count = document.createElement("span");
    this.count.className = "count";
    bar.append(input, this.count);
    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const column of columns) {
      const th = document.createElement("th");
      th.textContent = column.label;
      th.dataset.key = column.key;
      th.title = "sort";
      if (column.numeric) th.className = "num";
      th.addEventListener("click", () => {
        this.descending = this.sortKey === column.key ? !this.descending : !!column.numeric;
        this.sortKey = column.key;
        this.draw();
      });
      head.append(th);
      this.headers.set(column.key, th);
    }
    this.body = table.createTBody();
    this.element.append(bar, table);
  }

  private readonly limit: number;

  setRows(rows: R[]): void {
    this.rows = rows;
    this.draw();
  }

  private draw(): void {
    let rows = this.rows;
    if (this.filter) {
      rows = rows.filter((row) =>
        this.columns.some((c) => String(c.value(row) ?? "").toLowerCase().includes(this.filter)),
      );
    }
    const column = this.columns.find((c) => c.key === this.sortKey);
    if (column) {
      const direction = this.descending ? -1 : 1;
      rows = [...rows].sort((a, b) => direction * compare(column.value(a), column.value(b)));
    }
    for (const [key, th] of this.headers) {
      th.dataset.sorted = key === this.sortKey ? (this.descending ? "desc" : "asc") : "";
    }
    const shown = rows.slice(0, this.limit);
    const html = shown
      .map(
        (row) =>
          `<tr>${this.columns
            .map((c) => `<td${c.numeric ? ' class="num"' : ""}>${c.html ? c.html(row) : escapeText(c.value(row))}</td>`)
            .join("")}</tr>`,
      )
      .join("");
    this.body.innerHTML = html || `<tr><td colspan="${this.columns.length}" class="empty">nothing</td></tr>`;
    this.count.textContent =
      rows.length > shown.length ? `${shown.length} of ${rows.length} shown` : `${rows.length} rows`;
  }
}

function escapeText(value: unknown): string {
  return String(value ?? "—").replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === "bigint" && typeof b === "bigint") return a < b ? -1 : 1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  return String(a).localeCompare(String(b), "en", { numeric: true });
}
