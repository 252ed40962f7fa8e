// A supervisor's live oversight on the workstation: the sync step that keeps the last summary of open work (so that
// it can be shown offline, with its time), and the live reads the oversight channels make through the engine.
import type { z } from 'zod';
import { OversightApplicationsResponse, OversightSummary, type OversightApplicationsResponse as ApplicationsPage } from '../../shared/contract/central';
import type { OversightListQuery, OversightView } from '../../shared/contract/oversight';
import { DomainError } from '../../shared/errors';
import { log } from '../common/log';
import type { CaseStore } from '../store/types';
import { SyncError } from './errors';

/** The sync-state key under which the last summary is kept (one small JSON value, replaced whole each sync). */
export const oversightSummaryKey = 'oversight.summary';

/** One authenticated GET of the central API whose answer must match `schema`, within `timeoutMs` (the engine's default without). */
export type CentralGet = <S extends z.ZodType>(path: string, schema: S, timeoutMs?: number) => Promise<z.output<S>>;

/** The sync step: counts the central service now and keeps them. */
export async function pullOversight(get: CentralGet, store: Pick<CaseStore, 'setSyncState'>): Promise<OversightSummary> {
  const summary = await get('/v1/oversight', OversightSummary);
  await store.setSyncState(oversightSummaryKey, JSON.stringify(summary));
  return summary;
}

/** The summary the last sync kept; null before the first, or when what is kept no longer reads as one. */
export function cachedOversight(store: Pick<CaseStore, 'getSyncState'>): OversightSummary | null {
  const raw = store.getSyncState(oversightSummaryKey);
  if (raw === null) return null;
  try {
    const parsed = OversightSummary.safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through: an unreadable copy is as good as none
  }
  log.warn('the kept oversight summary is unreadable; waiting for the next sync');
  return null;
}

/** Whether a failed live read means "not reachable now" (the kept summary stands in) rather than a refusal. */
/** The central service could not be asked now (as opposed to refusing): a cached copy may stand in. */
export function unreachable(error: unknown): boolean {
  return error instanceof SyncError && (error.kind === 'offline' || error.kind === 'transient' || error.kind === 'aborted');
}

const unreachableMessage =
  'The central service cannot be reached now. The counts shown are the ones the last sync kept; the lists behind them need the central service.';

/** The oversight channels' reads: live from the central service, the kept summary when it does not answer. */
export function createOversightReads(get: CentralGet | null, store: Pick<CaseStore, 'getSyncState' | 'setSyncState'>) {
  return {
    async summary(): Promise<OversightView> {
      if (get === null) return { summary: cachedOversight(store), live: false, notLiveReason: 'No central service is configured.' };
      try {
        return { summary: await pullOversight(get, store), live: true, notLiveReason: null };
      } catch (error) {
        if (!unreachable(error)) throw error;
        return { summary: cachedOversight(store), live: false, notLiveReason: unreachableMessage };
      }
    },
    async applications(query: z.output<typeof OversightListQuery>): Promise<ApplicationsPage> {
      if (get === null) throw new DomainError('sync_not_configured', 'No central service is configured; the lists behind the counts come from it.');
      const params = new URLSearchParams({ bucket: query.bucket, limit: String(query.limit) });
      if (query.reviewer !== undefined) params.set('reviewer', query.reviewer);
      if (query.unassigned !== undefined) params.set('unassigned', String(query.unassigned));
      if (query.cursor !== undefined) params.set('cursor', query.cursor);
      try {
        return await get(`/v1/oversight/applications?${params.toString()}`, OversightApplicationsResponse);
      } catch (error) {
        if (unreachable(error)) throw new DomainError('central_unreachable', unreachableMessage);
        throw error;
      }
    },
  };
}
