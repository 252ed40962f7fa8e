// The supervisor's withdrawals on record (electron/sync/withdrawalLog.ts). dispatch has already refused anyone but a supervisor.
import type { CaseStore } from '../store/types';
import type { CentralGet } from '../sync/oversight';
import { readWithdrawals } from '../sync/withdrawalLog';
import type { Handler } from './registry';

export interface WithdrawalHandlers {
  'withdrawals.log': Handler<'withdrawals.log'>;
}

export function createWithdrawalHandlers(store: Pick<CaseStore, 'withdrawalLog'>, get: CentralGet | null): WithdrawalHandlers {
  return { 'withdrawals.log': (query) => readWithdrawals(get, store, query) };
}
