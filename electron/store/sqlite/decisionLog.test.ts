// The supervisor's decision log in the case store: filters that combine, the counts beside them, keyset pages, the
// cursor bound to its filters, a bounded copy, and a decision reported again replacing the one held.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { decisionLogCapacity, type DecisionLogEntry, type DecisionLogFilter } from '../../../shared/contract/supervision';
import { reasonCodes } from '../../../shared/vocabulary';
import { tempStore, type TempStore } from '../../../tests/support/store';

const reviewers = ['reviewer3', 'reviewer4', 'reviewer5'];
const names = ['ZHANG Wei', 'Anna Keller', 'Bluewater Cloud 100%_Ltd', 'LI Na', 'Lucas Martin'];
const base = Date.parse('2026-11-02T00:00:00.000Z');

/** 120 decisions, one an hour, with every combination of the filtered columns represented. */
function entries(count = 120): DecisionLogEntry[] {
  return Array.from({ length: count }, (_, i) => {
    const outcome = i % 3 === 0 ? 'approve' : 'reject';
    const decidedAt = new Date(base + i * 3_600_000).toISOString();
    // Every 11th from a workstation that sent no evidence; every 5th (from 1) decided after its due time.
    const unknown = i % 11 === 0;
    const handlingMs = unknown ? null : (i % 9 + 1) * 60_000;
    const dueAt = unknown ? null : new Date(base + i * 3_600_000 + (i % 5 === 1 ? -3_600_000 : 86_400_000)).toISOString();
    return {
      id: `0190${String(i).padStart(4, '0')}-0000-7000-8000-000000000000`,
      // Demo-style ids, and every 4th a lower-case UUID as the central service issues them.
      applicationId: i % 4 === 3 ? `9f3c${String(i).padStart(4, '0')}-aa00-4000-8000-000000000000` : `VA01${String(1000 + i).padStart(8, '0')}`,
      kind: (['individual', 'enterprise', 'change'] as const)[i % 3 === 0 ? (i / 3) % 3 : i % 2]!,
      applicantName: names[i % names.length]!,
      reviewer: reviewers[i % reviewers.length]!,
      outcome,
      reasonCodes: outcome === 'approve' ? [] : [reasonCodes[i % 4]!, ...(i % 5 === 0 ? (['suspected_tampering'] as const) : [])],
      overriddenRules: outcome === 'approve' && i % 2 === 0 ? ['R1'] : [],
      overrideNote: outcome === 'approve' && i % 2 === 0 ? 'Issued where the account was registered before 2020.' : null,
      flags: i % 7 === 0 ? null : [],
      decidedAt,
      // Offline ones reach the central service hours later.
      appliedAt: new Date(base + i * 3_600_000 + (i % 4 === 0 ? 5 * 3_600_000 : 20)).toISOString(),
      offline: i % 4 === 0,
      deviceId: `device-${i % 2}`,
      openedAt: handlingMs === null ? null : new Date(base + i * 3_600_000 - handlingMs).toISOString(),
      dueAt,
      handlingMs,
      withinDeadline: unknown ? null : i % 5 !== 1,
      effect: 'in_effect',
      reviews: i % 6 === 0 ? [{ supervisor: 'supervisor1', stage: 'quality', verdict: i % 12 === 0 ? 'overturn' : 'agree', reason: 'Sampled.', reviewedAt: decidedAt }] : [],
    } satisfies DecisionLogEntry;
  });
}

/** What a filter should select, computed here in plain code from the same entries. */
function expected(all: readonly DecisionLogEntry[], f: DecisionLogFilter): DecisionLogEntry[] {
  return all
    .filter((e) => f.reviewer === undefined || e.reviewer === f.reviewer)
    .filter((e) => f.outcome === undefined || e.outcome === f.outcome)
    .filter((e) => f.kind === undefined || e.kind === f.kind)
    .filter((e) => f.reasonCode === undefined || e.reasonCodes.includes(f.reasonCode))
    .filter((e) => f.offline === undefined || e.offline === f.offline)
    .filter((e) => f.overridden === undefined || e.overriddenRules.length > 0 === f.overridden)
    .filter((e) => f.reviewed === undefined || e.reviews.length > 0 === f.reviewed)
    .filter((e) => f.deadlineMissed === undefined || e.withinDeadline === !f.deadlineMissed)
    .filter((e) => f.from === undefined || Date.parse(e.decidedAt) >= Date.parse(f.from))
    .filter((e) => f.to === undefined || Date.parse(e.decidedAt) < Date.parse(f.to))
    .filter((e) => f.text === undefined || e.applicationId.toLowerCase().startsWith(f.text.toLowerCase()) || e.applicantName.toLowerCase().includes(f.text.toLowerCase()))
    .sort((a, b) => b.decidedAt.localeCompare(a.decidedAt) || b.id.localeCompare(a.id));
}

let t: TempStore;
const all = entries();
beforeEach(async () => {
  t = await tempStore();
  await t.store.storeDecisionLog(all, '2026-11-07T09:00:00.000Z');
});
afterEach(() => t.cleanup());

/** Every page of a query, following nextCursor. */
function walk(filter: DecisionLogFilter, limit: number): string[] {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 1000; guard++) {
    const page = t.store.decisionLog({ ...filter, limit, ...(cursor ? { cursor } : {}) });
    expect(page.total).toBe(expected(all, filter).length);
    ids.push(...page.items.map((e) => e.id));
    if (!page.nextCursor) return ids;
    cursor = page.nextCursor;
  }
  throw new Error('the pages never ended');
}

describe('decision log', () => {
  const filters: DecisionLogFilter[] = [
    {},
    { reviewer: 'reviewer4' },
    { outcome: 'reject', reasonCode: 'suspected_tampering' },
    { reviewer: 'reviewer3', outcome: 'approve', overridden: true },
    { offline: true, reviewed: false },
    { kind: 'enterprise', outcome: 'reject', offline: false },
    { from: '2026-11-03T00:00:00.000Z', to: '2026-11-04T06:00:00.000Z', reviewer: 'reviewer5' },
    { text: 'keller' },
    { text: 'va01000011' },
    { text: '9f3c00' },
    { text: '9F3C001' },
    { text: '100%_' },
    { reviewed: true, outcome: 'approve' },
    { deadlineMissed: true },
    { deadlineMissed: false, reviewer: 'reviewer4', outcome: 'reject' },
  ];

  it.each(filters)('pages through exactly the decisions a filter selects, newest first, none twice: %j', (filter) => {
    const want = expected(all, filter).map((e) => e.id);
    expect(want.length).toBeGreaterThan(0);
    expect(walk(filter, 7)).toEqual(want);
  });

  it('pages oldest first through exactly the same decisions, ties by id, none twice; a cursor keeps its order', async () => {
    // Three more decided in the same millisecond as entry 10: the id breaks the tie both ways.
    const twins = [1, 2, 3].map((k) => ({ ...all[10]!, id: `0190${String(10).padStart(4, '0')}-000${k}-7000-8000-000000000000` }));
    await t.store.storeDecisionLog(twins, null);
    const held = [...all, ...twins];
    for (const filter of [{}, { reviewer: 'reviewer4' }, { outcome: 'reject', offline: false }] as DecisionLogFilter[]) {
      // Oldest first is exactly newest first read backwards.
      const want = expected(held, filter).reverse().map((e) => e.id);
      const ids: string[] = [];
      let cursor: string | undefined;
      do {
        const page = t.store.decisionLog({ ...filter, order: 'oldest', limit: 2, ...(cursor ? { cursor } : {}) });
        expect(page.total).toBe(want.length);
        ids.push(...page.items.map((e) => e.id));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(ids, JSON.stringify(filter)).toEqual(want);
      // The export's walk of the copy reads the same order.
      expect(t.store.decisionLogAfter({ ...filter, order: 'oldest' }, null, 1000).map((e) => e.id)).toEqual(want);
    }
    const newestFirst = t.store.decisionLog({ limit: 5 });
    const oldestFirst = t.store.decisionLog({ order: 'oldest', limit: 5 });
    expect(() => t.store.decisionLog({ order: 'oldest', limit: 5, cursor: newestFirst.nextCursor! })).toThrow(expect.objectContaining({ code: 'bad_cursor' }));
    expect(() => t.store.decisionLog({ limit: 5, cursor: oldestFirst.nextCursor! })).toThrow(expect.objectContaining({ code: 'bad_cursor' }));
  });

  it('counts beside each filter what its choices would show with the other filters as they are', () => {
    const filter: DecisionLogFilter = { reviewer: 'reviewer4', outcome: 'reject', offline: false };
    const counts = t.store.decisionLogCounts(filter);
    const { reviewer: _r, ...withoutReviewer } = filter;
    for (const r of reviewers) expect(counts.reviewer.find((c) => c.reviewer === r)?.count ?? 0).toBe(expected(all, { ...withoutReviewer, reviewer: r }).length);
    const { outcome: _o, ...withoutOutcome } = filter;
    expect(counts.outcome).toEqual({ approve: expected(all, { ...withoutOutcome, outcome: 'approve' }).length, reject: expected(all, { ...withoutOutcome, outcome: 'reject' }).length });
    const { offline: _f, ...withoutOffline } = filter;
    expect(counts.offline).toEqual({ yes: expected(all, { ...withoutOffline, offline: true }).length, no: expected(all, { ...withoutOffline, offline: false }).length });
    expect(counts.kind.enterprise).toBe(expected(all, { ...filter, kind: 'enterprise' }).length);
    expect(counts.overridden.yes).toBe(expected(all, { ...filter, overridden: true }).length);
    expect(counts.reviewed.no).toBe(expected(all, { ...filter, reviewed: false }).length);
    expect(counts.deadlineMissed).toEqual({ yes: expected(all, { ...filter, deadlineMissed: true }).length, no: expected(all, { ...filter, deadlineMissed: false }).length });
    const missedOnly = t.store.decisionLogCounts({ ...filter, deadlineMissed: true });
    // Its own choice left out: the counts beside "deadline missed" do not shrink when it is chosen.
    expect(missedOnly.deadlineMissed).toEqual(counts.deadlineMissed);
    expect(missedOnly.offline.no).toBe(expected(all, { ...filter, deadlineMissed: true }).length);
    for (const code of reasonCodes) {
      const n = expected(all, { ...filter, reasonCode: code }).length;
      expect(counts.reasonCode.find((c) => c.reasonCode === code)?.count ?? 0, code).toBe(n);
    }
  });

  it('refuses a cursor made for other filters, or not made here at all', () => {
    const page = t.store.decisionLog({ reviewer: 'reviewer3', limit: 5 });
    expect(page.nextCursor).not.toBeNull();
    expect(() => t.store.decisionLog({ reviewer: 'reviewer4', limit: 5, cursor: page.nextCursor! })).toThrow(expect.objectContaining({ code: 'bad_cursor' }));
    expect(() => t.store.decisionLog({ limit: 5, cursor: 'bm90IGEgY3Vyc29y' })).toThrow(expect.objectContaining({ code: 'bad_cursor' }));
  });

  it('says how fresh it is, and a decision reported again (a review added) replaces the copy held', async () => {
    expect(t.store.decisionLog({ limit: 1 }).freshness).toEqual({ syncedAt: '2026-11-07T09:00:00.000Z', cached: all.length, capacity: decisionLogCapacity });
    const reviewed = { ...all[1]!, reviews: [{ supervisor: 'supervisor1', stage: 'quality' as const, verdict: 'overturn' as const, reason: 'Name differs.', reviewedAt: '2026-11-08T10:00:00.000Z' }] };
    await t.store.storeDecisionLog([reviewed], null);
    expect(t.store.decisionLog({ text: reviewed.applicationId, limit: 5 }).items).toEqual([reviewed]);
    expect(t.store.decisionLog({ limit: 1 }).freshness).toMatchObject({ syncedAt: '2026-11-07T09:00:00.000Z', cached: all.length });
    expect(t.store.decisionLogNewest()).toBe(new Date(Math.max(...all.map((e) => Date.parse(e.appliedAt)))).toISOString());
  });

  it('reads a decision cached before the evidence fields were kept as unknown for them, matching neither deadline choice', async () => {
    const { openedAt: _o, dueAt: _d, handlingMs: _h, withinDeadline: _w, ...older } = { ...all[2]!, id: '01990000-0000-7000-8000-000000000000' };
    await t.store.storeDecisionLog([older as DecisionLogEntry], null);
    const [item] = t.store.decisionLog({ text: older.applicationId, limit: 5 }).items.filter((e) => e.id === older.id);
    expect(item).toMatchObject({ openedAt: null, dueAt: null, handlingMs: null, withinDeadline: null });
    expect(t.store.decisionLog({ deadlineMissed: true, limit: 200 }).items.map((e) => e.id)).not.toContain(older.id);
    expect(t.store.decisionLog({ deadlineMissed: false, limit: 200 }).items.map((e) => e.id)).not.toContain(older.id);
  });

  it('keeps only the newest decisions it has room for', async () => {
    const many = Array.from({ length: decisionLogCapacity + 30 - all.length }, (_, i) => ({
      ...all[0]!,
      id: `0191${String(i).padStart(8, '0')}-0000-7000-8000-000000000000`.slice(0, 36),
      decidedAt: new Date(base - (i + 1) * 60_000).toISOString(),
      appliedAt: new Date(base - (i + 1) * 60_000).toISOString(),
    }));
    const result = await t.store.storeDecisionLog(many, null);
    expect(result.pruned).toBe(30);
    const page = t.store.decisionLog({ limit: 1 });
    expect(page.freshness.cached).toBe(decisionLogCapacity);
    // The newest all stayed; of the older ones, the 30 oldest went.
    expect(t.store.decisionLog({ from: new Date(base).toISOString(), limit: 1 }).total).toBe(all.length);
    const oldestHeld = many[many.length - 31]!.decidedAt;
    expect(t.store.decisionLog({ to: oldestHeld, limit: 1 }).total).toBe(0);
    expect(t.store.decisionLog({ to: new Date(Date.parse(oldestHeld) + 1).toISOString(), limit: 1 }).total).toBe(1);
  });
});
