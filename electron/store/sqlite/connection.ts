// One connection to a case store and what every part of the store does through it: transactions whose SQLite
// failures become the store's error codes, the clock and the calendar, and the audit log.
import type { BusinessCalendar } from '../../../shared/businessDays';
import { AuditLog } from './audit';
import { StoredCalendar } from './calendar';
import { translateSqliteError, type Db } from './database';

export class StoreConnection {
  readonly audit: AuditLog;
  readonly calendars: StoredCalendar;

  constructor(
    readonly path: string,
    readonly db: Db,
    /** Until the first sync brings the central service's calendar (./calendar.ts). */
    fallbackCalendar: BusinessCalendar,
    /** A fixed instant (tests and benchmarks), or null for the real clock. */
    private readonly fixedNow: Date | null,
  ) {
    this.audit = new AuditLog(db);
    this.calendars = new StoredCalendar(db, fallbackCalendar);
  }

  /** The business calendar due times are counted with: the central service's once pulled. */
  get calendar(): BusinessCalendar {
    return this.calendars.current();
  }

  now(): Date {
    return this.fixedNow ?? new Date();
  }

  /**
   * Runs `fn` as one IMMEDIATE transaction and turns SQLite failures into the store's error codes. `durable` commits
   * with synchronous=FULL (the WAL is fsynced before the call returns: a decision survives power loss, and so does
   * everything committed before it); other writes use NORMAL, which survives a crash of the app and can lose only
   * the last moments on power loss (sync refetches; an opening's audit entry).
   */
  write<T>(fn: () => T, durable = false): T {
    try {
      if (durable) this.db.pragma('synchronous = FULL');
      return this.db.transaction(fn).immediate();
    } catch (err) {
      throw translateSqliteError(err, this.path);
    } finally {
      if (durable) this.db.pragma('synchronous = NORMAL');
    }
  }

  read<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw translateSqliteError(err, this.path);
    }
  }
}
