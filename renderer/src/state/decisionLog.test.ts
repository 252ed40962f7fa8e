// The decision log's store against a workstation whose answers the test releases in any order.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DecisionLogCounts, DecisionLogEntry, DecisionLogFilter, DecisionLogPage, DecisionLogQuery } from '../../../shared/contract/supervision';
import { deferredChannel } from '../../../tests/support/deferredChannel';
import { defaultFilters, loadFilters, toFilter, toQuery, useDecisionLog, type DecisionLogFilters } from './decisionLog';

const freshness = { syncedAt: '2026-12-05T08:00:00.000Z', cached: 3, capacity: 100_000 };
const entry = (id: string): DecisionLogEntry => ({
  id,
  applicationId: `APP-${id}`,
  kind: 'individual',
  applicantName: `Applicant ${id}`,
  reviewer: 'reviewer1',
  outcome: 'approve',
  reasonCodes: [],
  overriddenRules: [],
  overrideNote: null,
  flags: null,
  decidedAt: '2026-12-04T10:00:00.000Z',
  appliedAt: '2026-12-04T10:00:00.000Z',
  offline: false,
  deviceId: 'device-1',
  openedAt: '2026-12-04T09:52:00.000Z',
  dueAt: '2026-12-07T10:00:00.000Z',
  handlingMs: 480_000,
  withinDeadline: true,
  reviews: [],
});
const page = (ids: string[], nextCursor: string | null, total = 99): DecisionLogPage => ({ items: ids.map(entry), nextCursor, total, freshness });
const counts = (approve: number): DecisionLogCounts => ({
  reviewer: [{ reviewer: 'reviewer1', count: approve }],
  outcome: { approve, reject: 0 },
  kind: { individual: approve, enterprise: 0, change: 0 },
  reasonCode: [],
  offline: { yes: 0, no: approve },
  overridden: { yes: 0, no: approve },
  reviewed: { yes: 0, no: approve },
  deadlineMissed: { yes: 0, no: approve },
});

let log: ReturnType<typeof deferredChannel<DecisionLogQuery, DecisionLogPage>>;
let countsChannel: ReturnType<typeof deferredChannel<DecisionLogFilter, DecisionLogCounts>>;

beforeEach(() => {
  log = deferredChannel();
  countsChannel = deferredChannel();
  vi.stubGlobal('window', { workstation: { decisions: { log: log.fn, counts: countsChannel.fn } } });
  useDecisionLog.setState({ filters: defaultFilters });
  useDecisionLog.getState().clear();
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe('filters → request', () => {
  it('leaves out every filter at "any" and asks for the first page', () => {
    expect(toQuery(defaultFilters, 50)).toEqual({ limit: 50 });
    expect(toFilter({ ...defaultFilters, text: '   ', reviewer: ' ' })).toEqual({});
  });

  it('maps every filter, the yes/no ones to booleans and the local days to [start of from, start of the day after to)', () => {
    const filters: DecisionLogFilters = {
      reviewer: ' reviewer2 ',
      outcome: 'reject',
      kind: 'enterprise',
      reasonCode: 'suspected_tampering',
      offline: 'yes',
      overridden: 'no',
      reviewed: 'no',
      deadlineMissed: 'yes',
      from: '2026-03-01',
      to: '2026-03-31',
      text: ' 张伟 ',
    };
    expect(toQuery(filters, 50, 'cursor-1')).toEqual({
      reviewer: 'reviewer2',
      outcome: 'reject',
      kind: 'enterprise',
      reasonCode: 'suspected_tampering',
      offline: true,
      overridden: false,
      reviewed: false,
      deadlineMissed: true,
      from: new Date(2026, 2, 1).toISOString(),
      // The last day is included: the log's `to` is exclusive.
      to: new Date(2026, 3, 1).toISOString(),
      text: '张伟',
      limit: 50,
      cursor: 'cursor-1',
    });
    expect(toFilter({ ...defaultFilters, offline: 'no', overridden: 'yes', reviewed: 'yes', deadlineMissed: 'no' })).toEqual({ offline: false, overridden: true, reviewed: true, deadlineMissed: false });
  });

  it('ignores a day that is not one', () => {
    expect(toFilter({ ...defaultFilters, from: '2026-3-1', to: 'yesterday' })).toEqual({});
  });

  it('asks for the log and its counts with the same filters whenever they change', async () => {
    useDecisionLog.getState().setFilters({ outcome: 'approve', overridden: 'yes' });
    expect(log.calls.map((c) => c.request)).toEqual([{ outcome: 'approve', overridden: true, limit: 50 }]);
    await log.calls[0]!.answer(page(['a1'], null, 1));
    expect(countsChannel.calls.map((c) => c.request)).toEqual([{ outcome: 'approve', overridden: true }]);
    useDecisionLog.getState().setFilters({ overridden: 'any' });
    expect(log.calls[1]?.request).toEqual({ outcome: 'approve', limit: 50 });
    await log.calls[1]!.answer(page(['a1', 'a2'], null, 2));
    expect(countsChannel.calls[1]?.request).toEqual({ outcome: 'approve' });
  });

  it('asks for the counts only once the page has answered, so the page has the service to itself', async () => {
    useDecisionLog.getState().setFilters({ reviewer: 'reviewer1' });
    expect(log.calls).toHaveLength(1);
    expect(countsChannel.calls).toHaveLength(0);
    await log.calls[0]!.answer(page(['d1'], null, 1));
    expect(useDecisionLog.getState().items.map((i) => i.id)).toEqual(['d1']);
    expect(countsChannel.calls.map((c) => c.request)).toEqual([{ reviewer: 'reviewer1' }]);
    // A failed page still brings the counts of the filters chosen, not those of the filters before.
    useDecisionLog.getState().setFilters({ outcome: 'reject' });
    await log.calls[1]!.fail('store_busy');
    expect(countsChannel.calls[1]?.request).toEqual({ reviewer: 'reviewer1', outcome: 'reject' });
  });
});

describe('saved filters', () => {
  it('come back after a restart, and whatever this version does not know falls back to "any"', () => {
    const saved = new Map<string, string>();
    vi.stubGlobal('localStorage', { getItem: (k: string) => saved.get(k) ?? null, setItem: (k: string, v: string) => saved.set(k, v) });
    useDecisionLog.getState().setFilters({ reviewer: 'reviewer2', reviewed: 'no', from: '2026-11-01' });
    expect(loadFilters()).toEqual({ ...defaultFilters, reviewer: 'reviewer2', reviewed: 'no', from: '2026-11-01' });
    const [key] = [...saved.keys()];
    saved.set(key!, JSON.stringify({ outcome: 'maybe', kind: 'enterprise', offline: true, from: '1 Nov', reasonCode: 'other', text: 42 }));
    expect(loadFilters()).toEqual({ ...defaultFilters, kind: 'enterprise', reasonCode: 'other' });
    saved.set(key!, '{not json');
    expect(loadFilters()).toEqual(defaultFilters);
  });
});

describe('request ordering', () => {
  it('never lets the answer to older filters overwrite the newer ones, for the page and for the counts', async () => {
    const store = useDecisionLog.getState();
    store.setFilters({ outcome: 'approve' });
    await log.calls[0]!.answer(page(['a0'], null, 1));
    const [olderCounts] = countsChannel.calls;
    // Counts on their way and a page on its way when the filters change twice.
    store.setFilters({ kind: 'change' });
    store.setFilters({ outcome: 'reject', kind: 'all' });
    const [, olderPage, newerPage] = log.calls;
    await newerPage!.answer(page(['r1'], null, 1));
    const [, newerCounts] = countsChannel.calls;
    expect(newerCounts?.request).toEqual({ outcome: 'reject' });
    await newerCounts!.answer(counts(1));
    await olderPage!.answer(page(['a1', 'a2'], 'c', 2));
    await olderCounts!.answer(counts(2));
    // The older page asks no counts of its own.
    expect(countsChannel.calls).toHaveLength(2);
    const state = useDecisionLog.getState();
    expect(state.items.map((i) => i.id)).toEqual(['r1']);
    expect(state.total).toBe(1);
    expect(state.nextCursor).toBeNull();
    expect(state.counts?.outcome.approve).toBe(1);
    expect(state.loading).toBe(false);
  });

  it('drops an older failure too: the newer answer stands without an error', async () => {
    const store = useDecisionLog.getState();
    store.setFilters({ kind: 'change' });
    await log.calls[0]!.answer(page(['c1'], null, 1));
    store.setFilters({ kind: 'enterprise' });
    store.setFilters({ kind: 'individual' });
    await log.calls[2]!.answer(page(['e1'], null, 1));
    await log.calls[1]!.fail('store_busy');
    await countsChannel.calls[1]!.answer(counts(1));
    await countsChannel.calls[0]!.fail('store_busy');
    expect(useDecisionLog.getState()).toMatchObject({ error: null, countsError: null, loading: false });
    expect(useDecisionLog.getState().items.map((i) => i.id)).toEqual(['e1']);
  });

  it('drops a next page asked for under the old filters, and can page the new results', async () => {
    const store = useDecisionLog.getState();
    void store.reload();
    await log.calls[0]!.answer(page(['a', 'b'], 'after-b'));
    void useDecisionLog.getState().loadMore();
    expect(log.calls[1]?.request).toEqual({ limit: 50, cursor: 'after-b' });
    useDecisionLog.getState().setFilters({ outcome: 'reject' });
    await log.calls[2]!.answer(page(['r1', 'r2'], 'after-r2'));
    await log.calls[1]!.answer(page(['c', 'd'], null));
    expect(useDecisionLog.getState().items.map((i) => i.id)).toEqual(['r1', 'r2']);
    expect(useDecisionLog.getState().nextCursor).toBe('after-r2');
    void useDecisionLog.getState().loadMore();
    expect(log.calls[3]?.request).toEqual({ outcome: 'reject', limit: 50, cursor: 'after-r2' });
  });

  it('forgets everything on clear, and an answer that arrives afterwards stays out', async () => {
    void useDecisionLog.getState().reload();
    await log.calls[0]!.answer(page(['a'], null));
    void useDecisionLog.getState().reload();
    useDecisionLog.getState().clear();
    await log.calls[1]!.answer(page(['b'], null));
    await countsChannel.calls[0]!.answer(counts(1));
    expect(countsChannel.calls).toHaveLength(1);
    expect(useDecisionLog.getState()).toMatchObject({ items: [], counts: null, total: null, loaded: false });
  });
});

describe('paging', () => {
  it('appends the next page through its cursor with the same filters, skips rows already shown, and stops at the end', async () => {
    useDecisionLog.getState().setFilters({ reviewer: 'reviewer1' });
    await log.calls[0]!.answer(page(['d5', 'd4', 'd3'], 'after-d3', 6));
    void useDecisionLog.getState().loadMore();
    // Asked twice while the first is on its way: one request.
    void useDecisionLog.getState().loadMore();
    expect(log.calls).toHaveLength(2);
    expect(log.calls[1]!.request).toEqual({ reviewer: 'reviewer1', limit: 50, cursor: 'after-d3' });
    // d3 moved onto the next page because a newer decision arrived in between.
    await log.calls[1]!.answer(page(['d3', 'd2', 'd1'], null, 7));
    const state = useDecisionLog.getState();
    expect(state.items.map((i) => i.id)).toEqual(['d5', 'd4', 'd3', 'd2', 'd1']);
    expect(state.total).toBe(7);
    expect(state.loadingMore).toBe(false);
    void state.loadMore();
    expect(log.calls).toHaveLength(2);
  });

  it('a refresh keeps as many rows as are loaded and the selected decision', async () => {
    void useDecisionLog.getState().reload();
    await log.calls[0]!.answer(page(['d3', 'd2', 'd1'], 'more'));
    useDecisionLog.getState().select(1);
    void useDecisionLog.getState().reload({ keepPlace: true });
    expect(log.calls[1]!.request).toEqual({ limit: 50 });
    await log.calls[1]!.answer(page(['d4', 'd3', 'd2', 'd1'], 'more'));
    expect(useDecisionLog.getState().selected).toBe(2);

    useDecisionLog.setState({ items: Array.from({ length: 130 }, (_, i) => entry(`x${i}`)) });
    void useDecisionLog.getState().reload({ keepPlace: true });
    expect(log.calls[2]!.request).toEqual({ limit: 130 });
    useDecisionLog.setState({ items: Array.from({ length: 450 }, (_, i) => entry(`y${i}`)) });
    void useDecisionLog.getState().reload({ keepPlace: true });
    expect(log.calls[3]!.request).toEqual({ limit: 200 });
  });

  it('keeps a failed page as an error, with what failed, and trying again repeats that request', async () => {
    void useDecisionLog.getState().reload();
    await log.calls[0]!.answer(page(['a'], 'after-a'));
    void useDecisionLog.getState().loadMore();
    await log.calls[1]!.fail('store_busy', 'The case store is busy.');
    expect(useDecisionLog.getState()).toMatchObject({ error: { code: 'store_busy', message: 'The case store is busy.' }, failed: 'more', loadingMore: false });
    expect(useDecisionLog.getState().items.map((i) => i.id)).toEqual(['a']);
    void useDecisionLog.getState().retry();
    expect(log.calls[2]!.request).toEqual({ limit: 50, cursor: 'after-a' });
    expect(useDecisionLog.getState().error).toBeNull();
    await log.calls[2]!.answer(page(['b'], null));
    expect(useDecisionLog.getState().items.map((i) => i.id)).toEqual(['a', 'b']);

    void useDecisionLog.getState().reload();
    await log.calls[3]!.fail('store_corrupt');
    expect(useDecisionLog.getState()).toMatchObject({ error: { code: 'store_corrupt' }, failed: 'page', loading: false });
    void useDecisionLog.getState().retry();
    expect(log.calls[4]!.request).toEqual({ limit: 50 });
  });

  it('starts again from the newest when the cursor no longer fits the log', async () => {
    void useDecisionLog.getState().reload();
    await log.calls[0]!.answer(page(['a'], 'stale'));
    void useDecisionLog.getState().loadMore();
    await log.calls[1]!.fail('bad_cursor');
    expect(log.calls[2]?.request).toEqual({ limit: 50 });
    await log.calls[2]!.answer(page(['z', 'a'], null));
    expect(useDecisionLog.getState()).toMatchObject({ error: null, nextCursor: null });
    expect(useDecisionLog.getState().items.map((i) => i.id)).toEqual(['z', 'a']);
  });

  it('shows no counts, and says why, when they cannot be read', async () => {
    void useDecisionLog.getState().refreshCounts();
    await countsChannel.calls[0]!.answer(counts(3));
    void useDecisionLog.getState().refreshCounts();
    await countsChannel.calls[1]!.fail('store_busy');
    expect(useDecisionLog.getState()).toMatchObject({ counts: null, countsError: { code: 'store_busy' } });
  });
});
