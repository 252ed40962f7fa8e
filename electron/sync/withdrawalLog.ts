// The withdrawals on record for the supervisor (issue 22 item 3): read live from the central service while it
// answers, from this workstation's copy when it does not (each answer says which), and the sync step that keeps the
// copy: withdrawals since the newest held, newest first, until the copy's capacity. As electron/sync/decisionLog.ts.
import { WithdrawalLogQuery, WithdrawalsResponse, withdrawalLogCapacity, type WithdrawalLogFilter, type WithdrawalLogPage } from '../../shared/contract/withdrawals';
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
