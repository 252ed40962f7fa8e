// The business calendar on a workstation (R7): the central service's, as the sync last pulled it (GET /v1/calendar,
// kept in sync_state), so this workstation counts due times from the same days and time zone as the server. Until
// the first sync brings one, the calendar the store was opened with stands in (the packaged official data, or the
// data folder's calendar.json: electron/api/calendar.ts). Both connections (reads and the writer's) read the kept
// version on use, so a calendar the writer stores is the one the next read counts with.
import type { BusinessCalendar } from '../../../shared/businessDays';
import { calendarOfPublished } from '../../../shared/centralCalendar';
import { PublishedCalendar } from '../../../shared/contract/calendar';
import { log } from '../../common/log';
import type { Db } from './database';

/** sync_state keys: the published calendar's JSON, and its version alone (read on every use, so kept small). */
export const centralCalendarKey = 'calendar.central';
const versionKey = 'calendar.central.version';

export class StoredCalendar {
  private cached: { version: string; calendar: BusinessCalendar; published: PublishedCalendar } | null = null;
  private readonly get;
  private readonly set;

  constructor(
    db: Db,
    private readonly fallback: BusinessCalendar,
  ) {
    this.get = db.prepare<[string], { value: string }>('SELECT value FROM sync_state WHERE key = ?');
    this.set = db.prepare<[string, string]>('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value');
  }

  /** The calendar deadlines are counted with now. */
  current(): BusinessCalendar {
    return this.load()?.calendar ?? this.fallback;
  }

  /** The central calendar kept here; null before the first sync brought one. */
  published(): PublishedCalendar | null {
    return this.load()?.published ?? null;
  }

  /** Keeps a calendar the central service published (inside the caller's transaction). */
  store(published: PublishedCalendar): void {
    this.set.run(centralCalendarKey, JSON.stringify(published));
    this.set.run(versionKey, String(published.version));
  }

  private load(): StoredCalendar['cached'] {
    const version = this.get.get(versionKey)?.value ?? null;
    if (version === null) return null;
    if (this.cached?.version === version) return this.cached;
    const raw = this.get.get(centralCalendarKey)?.value;
    try {
      const published = PublishedCalendar.parse(JSON.parse(raw ?? 'null'));
      this.cached = { version, calendar: calendarOfPublished(published), published };
    } catch (error) {
      // Cannot happen short of a damaged file: say so, count with the fallback, and let the next sync store it anew.
      log.warn('the kept business calendar is unreadable; using the fallback until the next sync', { error: String(error) });
      return null;
    }
    return this.cached;
  }
}
