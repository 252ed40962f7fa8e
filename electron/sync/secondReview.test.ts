// Four-eyes between two reviewers' workstations, against the real central service: the decider's sync sends a
// suspected_tampering rejection, which the service holds; another reviewer's sync brings it into their second-review
// list (never the decider's own), their agreement goes up with their next sync, and the decider's next sync clears
// "held for a second review" on their workstation (an overturn brings the case back instead).
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Person } from '../../shared/domain';
import { TestClient } from '../../tests/support/central';
import { engineOptions, reviewer1, startCentral, type CentralFixture, type Workstation, openWorkstationSide } from '../../tests/support/sync';
import { createSyncEngine } from './engine';

const reviewer2: Person = { id: 'reviewer2', displayName: 'Reviewer Two', role: 'reviewer' };
const asReviewer2 = { credentials: { username: 'reviewer2', password: 'verity-demo' }, deviceId: 'device-r2' };

let central: CentralFixture;
let decider: Workstation;
let second: Workstation;
beforeAll(async () => {
  central = await startCentral();
});
afterAll(async () => {
  await central?.close();
});
beforeEach(() => {
  decider = openWorkstationSide();
  second = openWorkstationSide();
});
afterEach(async () => {
  await decider?.close();
  await second?.close();
});

/** reviewer1 rejects `applicationId` for suspected tampering here, online: four-eyes holds it once sent. */
async function rejectForTampering(applicationId: string): Promise<string> {
  const decision = await decider.store.recordDecision(
    { applicationId, outcome: 'reject', reasonCodes: ['suspected_tampering'], applicantMessage: 'We could not verify your document.', internalNote: '', overrideNote: null },
    reviewer1,
    'device-test',
    true,
  );
  return decision.mutationId;
}

/** A new application, pulled by reviewer1's sync, rejected for tampering here and sent: held at the central service. */
async function heldRejection() {
  const [envelope] = await central.submit(1);
  const applicationId = envelope!.application.id;
  const deciderSync = createSyncEngine(engineOptions(decider, central.server.url));
  expect((await deciderSync.syncNow()).ok).toBe(true);
  const decisionId = await rejectForTampering(applicationId);
  expect((await deciderSync.syncNow()).pushed.applied).toBe(1);
  return { applicationId, decisionId, deciderSync };
}

const heldMark = (w: Workstation, applicationId: string) => w.store.listQueue({ assignee: 'reviewer1', status: 'rejected', limit: 200 }).items.find((i) => i.id === applicationId)?.heldForSecondReview;
const effectOf = (w: Workstation, applicationId: string) => w.store.getCase(applicationId).decisions.map((d) => [d.mutationId, d.effect]);
const secondReviewIds = (w: Workstation, viewer: string) => w.store.qualityQueue({ stage: 'second_review', limit: 200 }, viewer).items.map((i) => i.decision.id);

describe('four-eyes between two reviewers', () => {
  it('a second reviewer agrees from their workstation; the decider’s next sync shows the decision in effect', async () => {
    const { applicationId, decisionId, deciderSync } = await heldRejection();
    expect(effectOf(decider, applicationId)).toEqual([[decisionId, 'pending_second_review']]);
    expect(heldMark(decider, applicationId)).toBe(true);
    // The decider's own held decision is never in their second-review list.
    expect(secondReviewIds(decider, 'reviewer1')).not.toContain(decisionId);

    // reviewer2's sync brings it into their second-review list; they agree there (queued, sent by the next sync).
    const secondSync = createSyncEngine(engineOptions(second, central.server.url, asReviewer2));
    const pulled = await secondSync.syncNow();
    expect(pulled.error).toBeNull();
    expect(secondReviewIds(second, 'reviewer2')).toContain(decisionId);
    // The copy another person's sync left is read without the viewer's own decisions too.
    expect(secondReviewIds(second, 'reviewer1')).not.toContain(decisionId);
    await expect(second.store.recordSupervision({ type: 'review', decisionId, verdict: 'agree', reason: '' }, reviewer1, 'device-r2', true)).rejects.toMatchObject({ code: 'same_person' });
    await expect(second.store.recordSupervision({ type: 'reassign', applicationIds: [applicationId], reviewer: 'reviewer2' }, reviewer2, 'device-r2', true)).rejects.toMatchObject({ code: 'forbidden' });
    const agreed = await second.store.recordSupervision({ type: 'review', decisionId, verdict: 'agree', reason: 'The edit marks are real.' }, reviewer2, 'device-r2', true);
    const sent = await secondSync.syncNow();
    expect(sent.error).toBeNull();
    expect(sent.supervision).toMatchObject({ applied: 1, rejected: 0, batches: 1 });
    expect(second.store.supervisionOutbox('reviewer2')).toEqual([]);
    expect(secondReviewIds(second, 'reviewer2')).not.toContain(decisionId);
    const [stored] = await central.server.db.query<{ effect: string }>(`SELECT effect FROM decisions WHERE id = $1::uuid`, [decisionId]);
    expect(stored?.effect).toBe('in_effect');
    const reviews = await central.server.db.query<{ id: string; reviewed_by: string; stage: string }>(`SELECT id::text AS id, reviewed_by, stage FROM reviews WHERE decision_id = $1::uuid`, [decisionId]);
    expect(reviews).toEqual([{ id: agreed.mutation.id, reviewed_by: 'reviewer2', stage: 'second_review' }]);
    await secondSync.stop();

    // The decider's next sync: no longer held.
    expect((await deciderSync.syncNow()).ok).toBe(true);
    expect(effectOf(decider, applicationId)).toEqual([[decisionId, 'in_effect']]);
    expect(heldMark(decider, applicationId)).toBe(false);
    await deciderSync.stop();
  });

  it('the central service still refuses the decider’s own second review, however it arrives', async () => {
    const { decisionId, deciderSync } = await heldRejection();
    await deciderSync.stop();
    // A workstation whose copy lists it for reviewer1 (synced by reviewer2, say) cannot let reviewer1 agree: refused
    // here, and sent anyway (an older workstation), refused by the service.
    const r1 = await new TestClient(central.server.url, () => central.server.clock.now).signIn('reviewer1');
    const own = { type: 'review', id: randomUUID(), decisionId, madeAt: central.server.clock.now.toISOString(), madeBy: 'reviewer1', offline: true, verdict: 'agree', reason: '' };
    const answer = await r1.post('/v1/supervision:batch', { deviceId: 'device-test', mutations: [own] });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ results: [{ id: own.id, status: 'rejected', reason: 'same_person' }] });
  });

  it('a second reviewer’s overturn brings the case back to the decider, no longer held', async () => {
    const { applicationId, decisionId, deciderSync } = await heldRejection();
    const secondSync = createSyncEngine(engineOptions(second, central.server.url, asReviewer2));
    expect((await secondSync.syncNow()).ok).toBe(true);
    await second.store.recordSupervision({ type: 'review', decisionId, verdict: 'overturn', reason: 'The glare only looks like an edit.' }, reviewer2, 'device-r2', true);
    expect((await secondSync.syncNow()).supervision).toMatchObject({ applied: 1, rejected: 0 });
    await secondSync.stop();
    expect((await deciderSync.syncNow()).ok).toBe(true);
    expect(effectOf(decider, applicationId)).toEqual([[decisionId, 'overturned']]);
    const row = decider.store.listQueue({ assignee: 'reviewer1', limit: 200 }).items.find((i) => i.id === applicationId);
    expect(row).toMatchObject({ heldForSecondReview: false, returned: { decisionId, stage: 'second_review', reviewedBy: 'reviewer2' } });
    await deciderSync.stop();
  });
});
