// The supervisor's Calendar screen: the central service's business calendar and its history, read live, and the
// replacement of one year's days (renderer/src/components/CalendarView.tsx).
import { create } from 'zustand';
import type { CalendarScreen, CalendarYearRequest, CalendarYearResponse } from '../../../shared/contract/calendar';
import { unwrap, workstation } from '../workstation';
import { asUiError, type UiError } from './frame';

interface CalendarState {
  screen: CalendarScreen | null;
  loading: boolean;
  saving: boolean;
  error: UiError | null;
  /** What the last save answered (how many open deadlines moved), until the next edit. */
  saved: CalendarYearResponse | null;
  load(): Promise<void>;
  save(year: number, request: CalendarYearRequest): Promise<boolean>;
  edited(): void;
}

export const useCalendar = create<CalendarState>()((set, get) => ({
  screen: null,
  loading: false,
  saving: false,
  error: null,
  saved: null,
  async load() {
    set({ loading: true });
    try {
      set({ screen: await unwrap(workstation().calendar.get({})), loading: false, error: null });
    } catch (err) {
      set({ loading: false, error: asUiError(err) });
    }
  },
  async save(year, request) {
    if (get().saving) return false;
    set({ saving: true, error: null, saved: null });
    try {
      const saved = await unwrap(workstation().calendar.replaceYear({ year, ...request }));
      set({ saving: false, saved });
      await get().load();
      return true;
    } catch (err) {
      set({ saving: false, error: asUiError(err) });
      return false;
    }
  },
  edited() {
    if (get().saved) set({ saved: null });
  },
}));
