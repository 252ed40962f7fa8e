// The queue's store against a workstation whose answers the test releases in any order.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { QueueCounts, QueueItem, QueuePage, QueueQuery } from '../../../shared/contract/cases';
import type { Outcome } from '../../../shared/errors';
import { useQueue } from './queue';

interface Pending {
  request: QueueQuery;
  answer(value: QueuePage): Promise<void>;
}

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const item = (id: string): QueueItem => ({
  id,
  accountId: `ACC-${id}`,
  kind: 'individual',
  changeDirection: null,
  status: 'queued',
  displayName: `Applicant ${id}`,
  submittedAt: '2026-12-01T08:00:00.000Z',
  dueAt: '2026-12-04T08:00:00.000Z',
  escalateAt: '2026-12-03T08:00:00.000Z',
  deadline: 'on_time',
  assignee: 'reviewer1',
  flags: [],
  conflict: false,
  pendingSync: false,
});

let calls: Pending[];
beforeEach(() => {
  calls = [];
  const list = (request: QueueQuery) =>
    new Promise<Outcome<QueuePage>>((resolve) => calls.push({ request, answer: (value) => (resolve({ ok: true, value }), settle()) }));
  const counts = () => new Promise<Outcome<QueueCounts>>(() => undefined);
  vi.stubGlobal('window', { workstation: { queue: { list, counts } } });
  useQueue.getState().clear();
});
afterEach(() => vi.unstubAllGlobals());

describe('queue store', () => {
  it('scrolls on after the filters changed while a next page was on its way', async () => {
    void useQueue.getState().reload();
    await calls[0]!.answer({ items: [item('a')], nextCursor: 'c1' });
    void useQueue.getState().loadMore();
    expect(useQueue.getState().loadingMore).toBe(true);
    // The filters change before the next page answers: that answer belongs to the old list and is dropped…
    useQueue.getState().setFilters({ kind: 'enterprise' });
    await calls[2]!.answer({ items: [item('e1')], nextCursor: 'c2' });
    await calls[1]!.answer({ items: [item('b')], nextCursor: null });
    expect(useQueue.getState().items.map((i) => i.id)).toEqual(['e1']);
    // …and the new list can still be scrolled.
    void useQueue.getState().loadMore();
    expect(calls).toHaveLength(4);
    expect(calls[3]!.request).toMatchObject({ kind: 'enterprise', cursor: 'c2' });
    await calls[3]!.answer({ items: [item('e2')], nextCursor: null });
    expect(useQueue.getState().items.map((i) => i.id)).toEqual(['e1', 'e2']);
  });
});
