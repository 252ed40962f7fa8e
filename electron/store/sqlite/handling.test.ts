// The handling time's start: a decision carries when its person first opened the case on this device (the
// 'documents_opened' audit entry), so the central service can tell how long the case was in hand.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Person } from '../../../shared/domain';
import { generateApplications, seedEpoch, type SeedRecord } from '../seed';
import { reviewer, tempStore, type TempStore } from '../../../tests/support/store';

const MINUTE = 60_000;
const other: Person = { id: 'reviewer-02', displayName: 'Zhao Min', role: 'reviewer' };

function assigned(id: string): SeedRecord {
  const base = generateApplications(1, 7)[0]!;
  return { ...base, application: { ...base.application, id, status: 'queued', assignee: reviewer.id }, documents: base.documents.map((d, i) => ({ ...d, id: `${id}-${i}` })) };
}
const reject = (applicationId: string) => ({
  applicationId,
  outcome: 'reject' as const,
  reasonCodes: ['document_unreadable' as const],
  applicantMessage: 'Please upload a sharper photo.',
  internalNote: '',
  overrideNote: null,
});

let t: TempStore;
// The store reads this one Date as its clock; the test moves it.
const clock = new Date(seedEpoch);
beforeEach(async () => {
  clock.setTime(seedEpoch.getTime());
  t = await tempStore(0, 1, { now: clock });
});
afterEach(() => t.cleanup());

describe('a decision records when its case was first opened', () => {
  it('takes the first opening by the deciding person, not a later one nor another person’s', async () => {
    await t.store.upsertApplications([assigned('H-1')]);
    await t.store.openCase('H-1', { actor: other, deviceId: 'd', online: true });
    clock.setTime(seedEpoch.getTime() + 2 * MINUTE);
    await t.store.openCase('H-1', { actor: reviewer, deviceId: 'd', online: true });
    clock.setTime(seedEpoch.getTime() + 5 * MINUTE);
    await t.store.openCase('H-1', { actor: reviewer, deviceId: 'd', online: true });
    clock.setTime(seedEpoch.getTime() + 11 * MINUTE);
    const decision = await t.store.recordDecision(reject('H-1'), reviewer, 'd', true);
    expect(decision.openedAt).toBe(new Date(seedEpoch.getTime() + 2 * MINUTE).toISOString());
    expect(decision.decidedAt).toBe(new Date(seedEpoch.getTime() + 11 * MINUTE).toISOString());
    expect(t.store.pendingMutations(10, reviewer.id)[0]?.openedAt).toBe(decision.openedAt);
  });

  it('is null for a case decided without being opened here', async () => {
    await t.store.upsertApplications([assigned('H-2')]);
    const decision = await t.store.recordDecision(reject('H-2'), reviewer, 'd', true);
    expect(decision.openedAt).toBeNull();
  });
});
