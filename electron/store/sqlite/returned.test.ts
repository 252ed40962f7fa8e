// A reviewer's decided case coming back: an overturn reopens it (queued, the new version, their queue) with who
// overturned it, when and why; the overturned decision stays in its history, marked; it can be decided again. A
// decision held by four-eyes says so on the decided list and in the case.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CaseReturned } from '../../../shared/contract/cases';
import { generateApplications, type SeedRecord } from '../seed';
import { reviewer, tempStore, type TempStore } from '../../../tests/support/store';

function record(id: string, version: number, status: 'queued' | 'approved' | 'rejected' = 'queued'): SeedRecord {
  const base = generateApplications(1, 99)[0]!;
  return { ...base, application: { ...base.application, id, status, version, assignee: reviewer.id }, documents: base.documents.map((d, i) => ({ ...d, id: `${id}-${i}` })) };
}
const reject = (applicationId: string) => ({
  applicationId,
  outcome: 'reject' as const,
  reasonCodes: ['document_unreadable' as const],
  applicantMessage: 'Please send a clearer photo.',
  internalNote: '',
  overrideNote: null,
});

let t: TempStore;
beforeEach(async () => {
  t = await tempStore();
  await t.store.upsertApplications([record('RET-1', 3), record('RET-2', 3)]);
});
afterEach(() => t.cleanup());

describe('an overturned decision', () => {
  it('reopens the case with the overturn, keeps the decision as history, and lets the reviewer decide again', async () => {
    const first = await t.store.recordDecision(reject('RET-1'), reviewer, 'device-1', true);
    await t.store.settleMutations([{ id: first.mutationId, status: 'applied', serverVersion: 4, effect: 'in_effect' }]);
    expect(t.store.getCase('RET-1').decisions[0]!.effect).toBe('in_effect');

    const returned: CaseReturned = {
      decisionId: first.mutationId,
      outcome: 'reject',
      stage: 'quality',
      reviewedBy: 'supervisor1',
      reason: 'The photo is readable: approve it.',
      reviewedAt: '2026-11-26T05:00:00.000Z',
    };
    const upserted = await t.store.upsertApplications([{ ...record('RET-1', 5), returned }]);
    expect(upserted).toMatchObject({ updated: 1, moved: 1, conflicts: 0 });

    const back = t.store.getCase('RET-1');
    expect(back.application).toMatchObject({ status: 'queued', version: 5, assignee: reviewer.id });
    expect(back.returned).toEqual(returned);
    expect(back.flagsAsOf).toEqual({ kind: 'now' });
    expect(back.decisions.map((d) => [d.mutationId, d.sync, d.effect])).toEqual([[first.mutationId, 'applied', 'overturned']]);
    const row = t.store.listQueue({ assignee: reviewer.id }).items.find((i) => i.id === 'RET-1');
    expect(row).toMatchObject({ status: 'queued', returned: { reviewedBy: 'supervisor1', reason: 'The photo is readable: approve it.' }, heldForSecondReview: false });

    const again = await t.store.recordDecision(reject('RET-1'), reviewer, 'device-1', true);
    expect(again.baseVersion).toBe(5);
    expect(t.store.getCase('RET-1').decisions.map((d) => d.mutationId)).toEqual([first.mutationId, again.mutationId]);
    expect(t.store.pendingMutations(10, reviewer.id).map((d) => d.mutationId)).toEqual([again.mutationId]);

    // Its new decision applied, the central service no longer reports it returned.
    await t.store.settleMutations([{ id: again.mutationId, status: 'applied', serverVersion: 6, effect: 'in_effect' }]);
    await t.store.upsertApplications([record('RET-1', 6, 'rejected')]);
    expect(t.store.getCase('RET-1').returned).toBeNull();
  });

  it('a decision held by four-eyes says so in the decided list and in the case', async () => {
    const held = await t.store.recordDecision(reject('RET-2'), reviewer, 'device-1', true);
    await t.store.settleMutations([{ id: held.mutationId, status: 'applied', serverVersion: 4, effect: 'pending_second_review' }]);
    const decided = t.store.listQueue({ status: 'rejected' }).items.find((i) => i.id === 'RET-2');
    expect(decided).toMatchObject({ heldForSecondReview: true, returned: null });
    expect(t.store.getCase('RET-2').decisions[0]!.effect).toBe('pending_second_review');
  });
});
