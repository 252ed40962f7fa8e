// The sync step that keeps a supervisor's copy of the decision log: after the first sync, only the decisions recorded
// or changed (a review, a new effect) since the last one, asked with the watermark the central service gave
// (server/decisionChanges.ts), instead of a week of decisions again. The newest, up to the copy's capacity, on the
// first sync, for a copy that has no watermark yet, and when more changed than the copy holds.
import type { DecisionsResponse } from '../../shared/contract/central';
import { decisionLogCapacity } from '../../shared/contract/supervision';
import type { CaseStore } from '../store/types';
import { decisionLogEntry } from './mapping';

/** The sync-state key of the watermark to ask `changedSince` with next time. */
export const decisionLogWatermarkKey = 'decisionLog.watermark';

const pageSize = 200;

export interface DecisionLogPull {
  store: Pick<CaseStore, 'decisionLogNewest' | 'storeDecisionLog' | 'getSyncState' | 'setSyncState'>;
  /** GET /v1/decisions with this query (retried, checked against the contract). */
  fetchPage(query: URLSearchParams): Promise<DecisionsResponse>;
  progress(done: number, total: number | null): void;
  yield(): Promise<void>;
}

/** Brings the copy up to date as of `asOf` (the sync's start); counts into `report`. */
export async function pullDecisionLog(ctx: DecisionLogPull, report: { decisions: number; pages: number }, asOf: string): Promise<void> {
  const since = ctx.store.decisionLogNewest() === null ? null : ctx.store.getSyncState(decisionLogWatermarkKey);
  if (since !== null && (await walk(ctx, report, asOf, since))) return;
  await walk(ctx, report, asOf, null);
}

/** Walks the pages (changed since `since`, or the newest when null); false when more changed than the copy holds. */
async function walk(ctx: DecisionLogPull, report: { decisions: number; pages: number }, asOf: string, since: string | null): Promise<boolean> {
  let cursor: string | null = null;
  // The first page's: taken before any row of this walk was read, so nothing changed meanwhile is past it.
  let watermark: string | null = null;
  let pulled = 0;
  for (;;) {
    const query = new URLSearchParams({ limit: String(pageSize), ...(since === null ? {} : { changedSince: since }), ...(cursor ? { cursor } : {}) });
    const page = await ctx.fetchPage(query);
    watermark ??= page.watermark;
    const entries = page.decisions.map(decisionLogEntry);
    report.pages += 1;
    report.decisions += entries.length;
    pulled += entries.length;
    const full = pulled >= decisionLogCapacity;
    // Oldest change first: past the capacity, the newest are what the copy should hold instead.
    if (since !== null && full && page.nextCursor !== null) return false;
    const done = page.nextCursor === null || full;
    // Up to date as of the sync's start only once the last page is stored.
    await ctx.store.storeDecisionLog(entries, done ? asOf : null);
    ctx.progress(report.decisions, done ? report.decisions : null);
    if (done) {
      await ctx.store.setSyncState(decisionLogWatermarkKey, watermark);
      return true;
    }
    cursor = page.nextCursor;
    await ctx.yield();
  }
}
