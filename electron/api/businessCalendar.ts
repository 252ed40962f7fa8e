// The supervisor's Calendar screen (dispatch has already refused anyone but a supervisor): the central service's
// business calendar and its change history, read live, and one year's days replaced there. The workstation's own
// copy (the one its deadlines count with) arrives with the next sync: electron/sync/calendar.ts.
import type { z } from 'zod';
import { CalendarChangesResponse, CalendarYearResponse, PublishedCalendar } from '../../shared/contract/calendar';
import { DomainError } from '../../shared/errors';
import { SyncError } from '../sync/errors';
import type { CentralGet } from '../sync/oversight';
import type { Handler } from './registry';

/** One authenticated PUT of the central API whose answer must match `schema`. */
export type CentralPut = <S extends z.ZodType>(path: string, json: unknown, schema: S) => Promise<z.output<S>>;

export interface CalendarHandlers {
  'calendar.get': Handler<'calendar.get'>;
  'calendar.replaceYear': Handler<'calendar.replaceYear'>;
}

const unreachableMessage = 'The central service cannot be reached now; the business calendar is read and changed there. Try again when it is reachable.';

/** A network failure becomes central_unreachable; the central service's refusals keep their code and message. */
async function live<T>(exchange: () => Promise<T>): Promise<T> {
  try {
    return await exchange();
  } catch (error) {
    if (error instanceof SyncError && (error.kind === 'offline' || error.kind === 'transient' || error.kind === 'aborted')) {
      throw new DomainError('central_unreachable', unreachableMessage);
    }
    throw error;
  }
}

export function createCalendarHandlers(central: { get: CentralGet; put: CentralPut } | null): CalendarHandlers {
  const link = () => {
    if (central === null) throw new DomainError('sync_not_configured', 'No central service is configured; the business calendar belongs to it.');
    return central;
  };
  return {
    'calendar.get': () =>
      live(async () => {
        const { get } = link();
        const [calendar, history] = await Promise.all([get('/v1/calendar', PublishedCalendar), get('/v1/calendar/changes', CalendarChangesResponse)]);
        return { calendar, changes: history.changes };
      }),
    'calendar.replaceYear': ({ year, ...request }) => live(() => link().put(`/v1/calendar/years/${year}`, request, CalendarYearResponse)),
  };
}
