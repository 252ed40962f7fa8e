// The frame's sync status: a reply to sync.status and a sync.changed event can cross on the way.
import { describe, expect, it } from 'vitest';
import { useFrame, type SyncStatus } from './frame';

const status = (state: SyncStatus['state'], revision: number, lastError: SyncStatus['lastError'] = null): SyncStatus => ({
  state,
  centralUrl: 'http://central.test/',
  embedded: false,
  pendingDecisions: 0,
  rejectedDecisions: 0,
  lastSyncAt: null,
  lastError,
  revision,
});

describe('applySync', () => {
  it('keeps the newer status when a reply fetched during a sync arrives after the event that it ended', () => {
    const { applySync } = useFrame.getState();
    applySync(status('syncing', 4));
    applySync(status('idle', 5)); // the event: the sync ended
    applySync(status('syncing', 4)); // the reply to a request answered while it ran
    expect(useFrame.getState().sync).toMatchObject({ state: 'idle', revision: 5 });
    applySync(status('syncing', 6)); // the next sync
    expect(useFrame.getState().sync).toMatchObject({ state: 'syncing', revision: 6 });
  });

  it('keeps a failing sync failing while the engine tries again, until one ends otherwise', () => {
    const { applySync } = useFrame.getState();
    const refused = { code: 'wrong_central', message: 'not the one' };
    applySync(status('error', 10, refused));
    expect(useFrame.getState().syncFailing).toBe(true);
    applySync(status('syncing', 11, refused));
    expect(useFrame.getState().syncFailing).toBe(true);
    applySync(status('idle', 12));
    expect(useFrame.getState().syncFailing).toBe(false);
    applySync(status('syncing', 13));
    expect(useFrame.getState().syncFailing).toBe(false);
  });
});
