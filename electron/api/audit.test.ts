// An application's applicant notifications on a reviewer's workstation, against a real central service: the reviewer
// who decided it sees where each delivery stands; another reviewer is refused; out of reach or unconfigured, it says so.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ApplicationNotificationsResponse } from '../../shared/contract/notifications';
import { engineOptions, openWorkstationSide, rejectLocally, reviewer1, startCentral, type CentralFixture, type Workstation } from '../../tests/support/sync';
import { createSyncEngine } from '../sync/engine';
import { createAuditHandlers } from './audit';
import type { CallContext } from './registry';

let central: CentralFixture;
let reviewerSide: Workstation;
let otherSide: Workstation;
beforeAll(async () => {
  central = await startCentral();
});
afterAll(async () => {
  await central?.close();
});
beforeEach(() => {
  reviewerSide = openWorkstationSide();
  otherSide = openWorkstationSide();
});
afterEach(async () => {
  await reviewerSide?.close();
  await otherSide?.close();
});

const ctx: CallContext = { person: reviewer1, deviceId: 'device-test', transport: 'http' };

describe('audit.notifications', () => {
  it('shows the deciding reviewer where the notifications stand, refuses another reviewer, and says when it cannot ask', async () => {
    const [submitted] = await central.submit(1, 0);
    const applicationId = submitted!.application.id;
    const engine = createSyncEngine(engineOptions(reviewerSide, central.server.url));
    expect((await engine.syncNow()).ok).toBe(true);
    await rejectLocally(reviewerSide.store, applicationId, true);
    expect((await engine.syncNow()).pushed.applied).toBe(1);

    const mine = await createAuditHandlers(reviewerSide.store, engine)['audit.notifications']({ applicationId }, ctx);
    const direct = ApplicationNotificationsResponse.parse((await central.supervisor.get(`/v1/applications/${applicationId}/notifications`)).body);
    expect(mine).toEqual(direct);
    // The decision took effect: at least the message centre's delivery is there, each with its state and attempts.
    expect(mine.notifications.map((n) => n.channel)).toContain('message_centre');
    for (const n of mine.notifications) expect(n).toMatchObject({ state: expect.any(String), attempts: expect.any(Number) });
    await engine.stop();

    // Another reviewer neither holds nor decided it: the central service refuses, and the workstation says so.
    const other = createSyncEngine(engineOptions(otherSide, central.server.url, { credentials: { username: 'reviewer2', password: 'verity-demo' } }));
    expect((await other.syncNow()).error).toBeNull();
    const refused = createAuditHandlers(otherSide.store, other)['audit.notifications']({ applicationId }, { ...ctx, person: { id: 'reviewer2', displayName: 'Reviewer Two', role: 'reviewer' } });
    await expect(refused).rejects.toMatchObject({ code: 'central_refused', message: expect.stringContaining('not yours') });
    await other.stop();

    const away = createSyncEngine(engineOptions(reviewerSide, 'http://127.0.0.1:9/'));
    await expect(createAuditHandlers(reviewerSide.store, away)['audit.notifications']({ applicationId }, ctx)).rejects.toMatchObject({ code: 'central_unreachable' });
    await away.stop();
    await expect(createAuditHandlers(reviewerSide.store, null)['audit.notifications']({ applicationId }, ctx)).rejects.toMatchObject({ code: 'sync_not_configured' });
  });
});
