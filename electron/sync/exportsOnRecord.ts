// The decision log's exports on record, for the supervisor (GET /v1/decisions/exports): who exported what, when, with
// which filter. Asked of the central service only: the service records them, and a workstation keeps no copy.
import { DecisionExportsResponse } from '../../shared/contract/central';
import { ExportsOnRecordQuery } from '../../shared/contract/exports';
import { DomainError } from '../../shared/errors';
import { unreachable, type CentralGet } from './oversight';

export async function readExportsOnRecord(get: CentralGet | null, raw: ExportsOnRecordQuery): Promise<DecisionExportsResponse> {
  if (get === null) throw new DomainError('sync_not_configured', 'No central service is configured; the exports on record are kept there.');
  const q = ExportsOnRecordQuery.parse(raw);
  const params = new URLSearchParams({ limit: String(q.limit) });
  if (q.exportedBy !== undefined) params.set('exportedBy', q.exportedBy);
  if (q.cursor !== undefined) params.set('cursor', q.cursor);
  try {
    return await get(`/v1/decisions/exports?${params.toString()}`, DecisionExportsResponse);
  } catch (error) {
    if (unreachable(error)) throw new DomainError('central_unreachable', 'The central service cannot be reached now; the exports on record are kept there. Try again once it answers.');
    throw error;
  }
}
