// The node's live event stream (`/v1/events/stream`, server-sent events). Entries arrive one
// message each; listeners get them in batches at most every 100 ms, so a stream of a thousand
// events a second costs ten DOM updates a second, not a thousand.

import type { Entry } from "./api";

type Listener = (entries: Entry[]) => void;

const FLUSH_MS = 100;

export class LiveStream {
  private readonly listeners = new Set<Listener>();
  private pending: Entry[] = [];
  private timer: number | null = null;
  private source: EventSource | null = null;
  private lastSeq: number | null = null;
  /** Events received in the last second, for the header. */
  rate = 0;
  /** Events received since the page loaded. */
  received = 0;
  private counted = 0;
  private status: (online: boolean) => void = () => {};

  start(status: (online: boolean) => void): void {
    this.status = status;
    this.connect();
    window.setInterval(() => {
      this.rate = this.counted;
      this.counted = 0;
    }, 1000);
  }

  private connect(): void {
    // After a drop (the node restarted, or this reader fell behind) resume after the last
    // entry seen, so nothing is missed.
    const from = this.lastSeq === null ? "" : `?from=${this.lastSeq + 1}`;
    const source = new EventSource(`/v1/events/stream${from}`);
    this.source = source;
    source.addEventListener("open", () => this.status(true));
    source.addEventListener("entry", (message) => {
      const entry = JSON.parse((message as MessageEvent<string>).data) as Entry;
      this.lastSeq = entry.seq;
      this.counted += entry.events.length;
      this.received += entry.events.length;
      this.pending.push(entry);
      if (this.timer === null) this.timer = window.setTimeout(() => this.flush(), FLUSH_MS);
    });
    source.addEventListener("error", () => {
      this.status(false);
      if (source.readyState === EventSource.CLOSED) {
        window.setTimeout(() => this.connect(), 1000);
      }
    });
  }

  private flush(): void {
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    for (const listener of this.listeners) listener(batch);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.source?.close();
  }
}

export const live = new LiveStream();
