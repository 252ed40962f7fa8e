// The retention period the central service sets rides on the changes feed; kept in the store's sync state (written
// only when it changes) for electron/api/retention.ts to apply, offline too.
import { defaultRetentionDays } from '../../shared/contract/retention';
import type { CaseStore } from '../store/types';

export const RETENTION_KEY = 'retention_days';

export async function storeRetentionDays(store: Pick<CaseStore, 'getSyncState' | 'setSyncState'>, days: number | undefined): Promise<void> {
  if (days === undefined || store.getSyncState(RETENTION_KEY) === String(days)) return;
  await store.setSyncState(RETENTION_KEY, String(days));
}

/** The period last delivered; the default until a central service has said otherwise. */
export function retentionDays(store: Pick<CaseStore, 'getSyncState'>): number {
  const days = Number(store.getSyncState(RETENTION_KEY));
  return Number.isInteger(days) && days >= 1 ? days : defaultRetentionDays;
}
