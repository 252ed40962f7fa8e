// What bench/supervisor/rendered.ts measures (in a process of its own, with the page's types) and hands run.ts.
export interface RenderedResult {
  /** Host start (its store opened, supervisor1 signed in at the central service) until it printed its address. */
  hostStartMs: number;
  /** The host's first sync (the copy of the newest decisions, the QA queue …) until it was idle. */
  firstSyncMs: number;
  decisionsCopied: number;
  /** Navigation (fresh browser context: empty caches) → the first page painted, on the page's clock. */
  coldFirstPage: number[];
  /** The third filter (reviewer + reason chosen, then "Online") → its page painted. */
  filteredPage: number[];
  /** "Reset filters" → the first page painted. */
  firstPage: number[];
  rowsPerPage: number;
  /** The host's process (the workstation's handlers, under tsx: not bundled) sampled every 100 ms; /proc, so Linux only. */
  hostRss: { peakMb: number; endMb: number };
  /** The page's JS heap after the runs. */
  jsHeapUsedMb: number;
  /** Syncs that ended while the runs were timed (each reloads the log: the times include them). */
  syncsDuringRuns: number;
}
