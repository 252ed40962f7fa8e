// The business calendar's sync step: every changes page answers the central calendar's version; when it is not the one
// this workstation keeps, the calendar is fetched (GET /v1/calendar) and stored, and the store counts every open case's
// deadline with it again. So the workstation and the central service count due times from the same days.
import { PublishedCalendar } from '../../shared/contract/calendar';
import type { CaseStore } from '../store/types';
import type { CentralGet } from './oversight';

/** Fetches and keeps the central calendar when `version` (from the changes feed) is not the one kept; answers how many deadlines moved. */
export async function pullCalendar(
  get: CentralGet,
  store: Pick<CaseStore, 'businessCalendar' | 'storeCalendar'>,
  version: number | undefined,
): Promise<{ fetched: boolean; recomputed: number }> {
  // A central service older than the calendar (no version on the feed): the workstation keeps counting with its own.
  if (version === undefined || store.businessCalendar()?.version === version) return { fetched: false, recomputed: 0 };
  const calendar = await get('/v1/calendar', PublishedCalendar);
  const { recomputed } = await store.storeCalendar(calendar);
  return { fetched: true, recomputed };
}
