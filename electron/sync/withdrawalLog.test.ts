// withdrawals.log through a real central service and a real store: live while the service answers, from the copy a
// supervisor's sync keeps (store migration 15) when it does not, each answer saying which (issue 22 item 3).
import { describe, expect, it } from 'vitest';
import { engineOptions } from '../../tests/support/sync';
import { centralAndSide, supervisorCall as ctx, supervisorCredentials } from '../../tests/support/supervisorSync';
import { createWithdrawalHandlers } from '../api/withdrawals';
import { createSyncEngine, type SyncEngine } from './engine';

let ids: string[] = [];
const fixture = centralAndSide(async (central) => {
  ids = (await central.submit(3, 1)).map((e) => e.application.id);
  await central.assign(ids[0]!, 'reviewer1');
  for (const id of ids) await central.withdraw(id);
}, 120_000);
const getOf = (engine: SyncEngine) => engine.get.bind(engine);

describe('withdrawals.log', () => {
  it('answers live with the ticket, who and when, and from the synced copy, saying so, when the service is out of reach', async () => {
    const { central, side } = fixture;
    const engine = createSyncEngine(engineOptions(side, central.server.url, supervisorCredentials));
    expect((await engine.syncNow()).error).toBeNull();
    const live = await createWithdrawalHandlers(side.store, getOf(engine))['withdrawals.log']({ limit: 10 }, ctx);
    expect(live).toMatchObject({ source: 'central', offlineReason: null, total: 3 });
    expect(live.items.map((w) => w.applicationId).sort()).toEqual([...ids].sort());
    expect(live.items.every((w) => /^[A-Z]{2,8}-\d+$/.test(w.ticketRef) && w.withdrawnBy === 'intake')).toBe(true);
    expect(live.counts.reviewer.map((r) => [r.reviewer, r.count])).toEqual([['reviewer1', 1]]);
    await engine.stop();

    const away = createSyncEngine(engineOptions(side, 'http://127.0.0.1:9/', supervisorCredentials));
    const copy = await createWithdrawalHandlers(side.store, getOf(away))['withdrawals.log']({ limit: 10 }, ctx);
    expect(copy.source).toBe('copy');
    expect(copy.offlineReason).toMatch(/\S/);
    expect(copy.syncedAt).not.toBeNull();
    expect(copy.items).toEqual(live.items);
    expect(copy.counts).toEqual(live.counts);
    const held = await createWithdrawalHandlers(side.store, getOf(away))['withdrawals.log']({ reviewer: 'reviewer1', limit: 10 }, ctx);
    expect(held.items.map((w) => w.applicationId)).toEqual([ids[0]]);
    expect((await createWithdrawalHandlers(side.store, null)['withdrawals.log']({ limit: 1 }, ctx)).source).toBe('copy');
    await away.stop();
  });
});
