import type { LiveStream } from "./stream";

declare global {
  interface Window {
    /** What the browser tests and a curious reader can inspect. */
    __rampart: {
      live: LiveStream;
      /** ms from navigation start until the overview first showed the node's data. */
      overviewRenderedMs?: number;
      /** The heat map's cells as drawn: `operator|service` → wei. */
      heatmap?: Record<string, string>;
      /** The route shown (`#/operators`), and how often its page has drawn the node's data. */
      hash?: string;
      refreshes: number;
      /** The simulation run the simulations page drew, and how many fan charts it had. */
      simulation?: { name: string; fans: number };
    };
  }
}
