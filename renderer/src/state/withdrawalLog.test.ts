// The withdrawals view's state against a workstation whose answers the test releases in any order: an older question
// answered after a newer one must not show (issue 22: fast filter changes showed the older answer).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { WithdrawalLogPage, WithdrawalLogQuery, WithdrawalRecord } from '../../../shared/contract/withdrawals';
import { deferredChannel } from '../../../tests/support/deferredChannel';
import { useWithdrawalLog } from './withdrawalLog';

const record = (id: string): WithdrawalRecord => ({
  applicationId: `APP-${id}`,
  kind: 'individual',
  applicantName: `Applicant ${id}`,
  reviewer: 'reviewer1',
  reviewerName: 'Reviewer One',
  submittedAt: '2026-12-01T09:00:00.000Z',
  ticketRef: 'WD-2026-000001',
  withdrawnAt: '2026-12-04T10:00:00.000Z',
  withdrawnBy: 'intake',
});
const page = (ids: string[], nextCursor: string | null = null): WithdrawalLogPage => ({
  items: ids.map(record),
  nextCursor,
  total: ids.length,
  counts: { reviewer: [], unassigned: 0, kind: { individual: ids.length, enterprise: 0, change: 0 } },
  source: 'central',
  syncedAt: null,
  offlineReason: null,
});
const shown = () => useWithdrawalLog.getState().items.map((w) => w.applicationId);

let log: ReturnType<typeof deferredChannel<WithdrawalLogQuery, WithdrawalLogPage>>;

beforeEach(() => {
  log = deferredChannel();
  vi.stubGlobal('window', { workstation: { withdrawals: { log: log.fn } } });
  useWithdrawalLog.getState().reset();
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('the withdrawals view keeps the newest question’s answer', () => {
  it('drops the answer to filters changed meanwhile, whichever order the answers come in', async () => {
    const state = useWithdrawalLog.getState();
    state.setFilters({ text: 'zhang' });
    state.setFilters({ text: 'zhang wei' });
    expect(log.calls.map((c) => c.request)).toEqual([
      { text: 'zhang', limit: 50 },
      { text: 'zhang wei', limit: 50 },
    ]);
    await log.calls[1]!.answer(page(['new']));
    await log.calls[0]!.answer(page(['old-1', 'old-2']));
    expect(shown()).toEqual(['APP-new']);
    expect(useWithdrawalLog.getState().page?.total).toBe(1);
    expect(useWithdrawalLog.getState().loading).toBe(false);
  });

  it('drops an older question’s failure too', async () => {
    const state = useWithdrawalLog.getState();
    state.setFilters({ kind: 'enterprise' });
    state.setFilters({ kind: 'change' });
    await log.calls[1]!.answer(page(['change']));
    await log.calls[0]!.fail('store_unavailable');
    expect(shown()).toEqual(['APP-change']);
    expect(useWithdrawalLog.getState().error).toBeNull();
  });

  it('does not add a next page of the filters before to the newer answer', async () => {
    const state = useWithdrawalLog.getState();
    void state.load();
    await log.calls[0]!.answer(page(['a'], 'cursor-1'));
    void useWithdrawalLog.getState().load('cursor-1');
    useWithdrawalLog.getState().setFilters({ reviewer: 'reviewer2' });
    expect(log.calls.map((c) => c.request)).toEqual([{ limit: 50 }, { limit: 50, cursor: 'cursor-1' }, { reviewer: 'reviewer2', limit: 50 }]);
    await log.calls[2]!.answer(page(['r2']));
    await log.calls[1]!.answer(page(['b']));
    expect(shown()).toEqual(['APP-r2']);
  });

  it('adds the next page of the current answer, and keeps the selection', async () => {
    const state = useWithdrawalLog.getState();
    void state.load();
    await log.calls[0]!.answer(page(['a', 'b'], 'cursor-1'));
    useWithdrawalLog.getState().select(1);
    void useWithdrawalLog.getState().load('cursor-1');
    await log.calls[1]!.answer(page(['c']));
    expect(shown()).toEqual(['APP-a', 'APP-b', 'APP-c']);
    expect(useWithdrawalLog.getState().selected).toBe(1);
  });

  it('forgets the answer still on its way when the view goes', async () => {
    void useWithdrawalLog.getState().load();
    useWithdrawalLog.getState().reset();
    await log.calls[0]!.answer(page(['gone']));
    expect(shown()).toEqual([]);
  });
});
