// The withdrawals on record for the supervisor (issue 22 item 3): read live from the central service while it
// answers, from this workstation's copy when it does not (each answer says which), and the sync step that keeps the
// copy: withdrawals since the newest held, newest first, until the copy's capacity. As electron/sync/decisionLog.ts.
import {
  WithdrawalLogFilter,
  WithdrawalLogQuery,
  WithdrawalsResponse,
  withdrawalLogCapacity,
  type WithdrawalLogPage,
  type WithdrawalRecord,
} from '../../shared/contract/withdrawals';
import { DomainError } from '../../shared/errors';
import type { CaseStore } from '../store/types';
import { centralUnreachable, liveReadTimeoutMs } from './decisionLog';
import type { CentralGet } from './oversight';

/** The central query of a filter (and paging), each filter under the same name. */
function centralQuery(filter: WithdrawalLogFilter, paging: { cursor?: string | undefined; limit: number }): URLSearchParams {
  const query = new URLSearchParams({ limit: String(paging.limit) });
  for (const key of ['reviewer', 'kind', 'from', 'to'] as const) {
    const value = filter[key];
    if (value !== undefined) query.set(key, value);
  }
  const text = filter.text?.trim();
  if (text) query.set('text', text);
  if (paging.cursor) query.set('cursor', paging.cursor);
  return query;
}

/** A central cursor as the renderer holds it: marked, so a page goes on from the source that began the paging. */
const centralMark = 'central.';

export async function readWithdrawals(get: CentralGet | null, store: Pick<CaseStore, 'withdrawalLog'>, raw: WithdrawalLogQuery): Promise<WithdrawalLogPage> {
  const q = WithdrawalLogQuery.parse(raw);
  const centralCursor = q.cursor?.startsWith(centralMark) ? q.cursor.slice(centralMark.length) : undefined;
  let offlineReason = 'No central service is configured.';
  if (get !== null && (q.cursor === undefined || centralCursor !== undefined)) {
    try {
      const answer = await get(`/v1/withdrawals?${centralQuery(q, { cursor: centralCursor, limit: q.limit }).toString()}`, WithdrawalsResponse, liveReadTimeoutMs);
      return {
        items: answer.withdrawals,
        nextCursor: answer.nextCursor === null ? null : `${centralMark}${answer.nextCursor}`,
        total: answer.total,
        counts: answer.counts,
        source: 'central',
        syncedAt: store.withdrawalLog({ limit: 1 }).syncedAt,
        offlineReason: null,
      };
    } catch (error) {
      if (!centralUnreachable(error)) throw error;
      offlineReason = error.message;
    }
  }
  if (centralCursor !== undefined) {
    throw new DomainError('bad_cursor', `The central service went out of reach (${offlineReason}); the withdrawals now come from this workstation's copy. Go back to the first page.`);
  }
  return { ...store.withdrawalLog(q), source: 'copy', offlineReason };
}

/** A page of an export: the most GET /v1/withdrawals gives at once; the copy's pages are smaller. */
const centralExportPage = 1000;
const copyExportPage = 200;

/**
 * Every withdrawal matching the filter, newest first, a page at a time: from the central service while it answers
 * (all of them), else from the copy; with the total to report progress against. Once begun from the central service,
 * an export finishes from it or fails: half from the copy would not be what the view shows.
 */
export async function* matchingWithdrawals(
  get: CentralGet | null,
  store: Pick<CaseStore, 'withdrawalLog'>,
  raw: WithdrawalLogFilter,
  progress: (done: number, total: number) => void,
): AsyncGenerator<WithdrawalRecord[]> {
  const filter = WithdrawalLogFilter.parse(raw);
  let first: WithdrawalsResponse | null = null;
  if (get !== null) {
    try {
      first = await get(`/v1/withdrawals?${centralQuery(filter, { limit: centralExportPage }).toString()}`, WithdrawalsResponse);
    } catch (error) {
      if (!centralUnreachable(error)) throw error;
    }
  }
  let done = 0;
  if (first !== null) {
    for (let page: WithdrawalsResponse = first; ; ) {
      done += page.withdrawals.length;
      if (page.withdrawals.length > 0) yield page.withdrawals;
      // One withdrawn meanwhile may add a row the first count did not know: done can pass total.
      progress(done, Math.max(done, first.total));
      if (page.nextCursor === null) return;
      page = await get!(`/v1/withdrawals?${centralQuery(filter, { cursor: page.nextCursor, limit: centralExportPage }).toString()}`, WithdrawalsResponse);
    }
  }
  let cursor: string | undefined;
  for (;;) {
    const page = store.withdrawalLog({ ...filter, limit: copyExportPage, ...(cursor ? { cursor } : {}) });
    done += page.items.length;
    if (page.items.length > 0) yield page.items;
    progress(done, Math.max(done, page.total));
    if (page.nextCursor === null) return;
    cursor = page.nextCursor;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

const pageSize = 200;

/** The sync step: brings the copy up to date from the newest withdrawal it holds (that one again: the store replaces it). */
export async function pullWithdrawalLog(
  fetchPage: (query: URLSearchParams) => Promise<WithdrawalsResponse>,
  store: Pick<CaseStore, 'withdrawalLogNewest' | 'storeWithdrawalLog'>,
  asOf: string,
): Promise<number> {
  const from = store.withdrawalLogNewest();
  let cursor: string | undefined;
  let stored = 0;
  for (;;) {
    const page = await fetchPage(centralQuery(from ? { from } : {}, { cursor, limit: pageSize }));
    stored += page.withdrawals.length;
    const done = page.nextCursor === null || stored >= withdrawalLogCapacity;
    // Up to date as of the sync's start only once the last page is stored.
    await store.storeWithdrawalLog(page.withdrawals, done ? asOf : null);
    if (done) return stored;
    cursor = page.nextCursor ?? undefined;
  }
}
