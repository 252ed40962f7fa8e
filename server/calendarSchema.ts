// Migration 11: the business calendar in PostgreSQL (server/calendar.ts) seeded from the packaged official data, and
// the withdrawal on record (ticket reference, when, by whom) on each application.
import { chinaHolidays } from '../shared/holidays';
import type { Queryable } from './db';

export async function calendarAndWithdrawals(tx: Queryable): Promise<void> {
  // One row per year the calendar knows; official: the State Council's notice for it is entered.
  await tx.query(`
    CREATE TABLE calendar_years (
      year       integer PRIMARY KEY CHECK (year BETWEEN 2000 AND 2100),
      official   boolean NOT NULL,
      updated_at timestamptz,
      updated_by text REFERENCES people (username)
    )`);
  // Local dates (YYYY-MM-DD in the calendar's time zone) as text: a date column would come back as a Date at the
  // driver's midnight, a day off in any zone west of UTC.
  await tx.query(`
    CREATE TABLE calendar_days (
      day  text PRIMARY KEY CHECK (day ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      year integer NOT NULL REFERENCES calendar_years (year),
      kind text NOT NULL CHECK (kind IN ('holiday', 'workday')),
      name text NOT NULL,
      CHECK (substr(day, 1, 4)::integer = year)
    )`);
  await tx.query(`CREATE INDEX calendar_days_year ON calendar_days (year)`);
  // The version workstations compare (the changes feed answers it); one row.
  await tx.query(`CREATE TABLE calendar_state (only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row), version bigint NOT NULL)`);
  await tx.query(`INSERT INTO calendar_state (only_row, version) VALUES (true, 1)`);
  // Every supervisor's change: who, when, what (days added and removed), why; never updated or deleted.
  await tx.query(`
    CREATE TABLE calendar_changes (
      id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      year            integer NOT NULL,
      changed_by      text NOT NULL REFERENCES people (username),
      changed_at      timestamptz NOT NULL,
      official_before boolean,
      official_after  boolean NOT NULL,
      added           jsonb NOT NULL,
      removed         jsonb NOT NULL,
      note            text NOT NULL,
      recomputed      integer NOT NULL
    )`);
  await tx.query(`
    CREATE FUNCTION calendar_changes_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN RAISE EXCEPTION 'calendar_changes is append-only'; END $$`);
  await tx.query(`CREATE TRIGGER calendar_changes_no_change BEFORE UPDATE OR DELETE ON calendar_changes FOR EACH ROW EXECUTE FUNCTION calendar_changes_append_only()`);
  await tx.query(`CREATE TRIGGER calendar_changes_no_truncate BEFORE TRUNCATE ON calendar_changes FOR EACH STATEMENT EXECUTE FUNCTION calendar_changes_append_only()`);

  // The seed: every year of the packaged data is official (the package holds only published notices).
  const years = [...new Set([...chinaHolidays.holidays.keys(), ...chinaHolidays.workdays.keys()].map((d) => Number(d.slice(0, 4))))].sort();
  await tx.query(
    `INSERT INTO calendar_years (year, official)
     SELECT t.y::integer, t.y IN (SELECT jsonb_array_elements_text($2::jsonb)) FROM jsonb_array_elements_text($1::jsonb) AS t(y)`,
    [JSON.stringify(years.map(String)), JSON.stringify([...chinaHolidays.years].map(String))],
  );
  const days = [
    ...[...chinaHolidays.holidays].map(([date, name]) => ({ date, kind: 'holiday', name })),
    ...[...chinaHolidays.workdays].map(([date, name]) => ({ date, kind: 'workday', name })),
  ];
  await tx.query(
    `INSERT INTO calendar_days (day, year, kind, name)
     SELECT d.date, substr(d.date, 1, 4)::integer, d.kind, d.name FROM jsonb_to_recordset($1::jsonb) AS d(date text, kind text, name text)`,
    [JSON.stringify(days)],
  );

  await tx.query(`ALTER TABLE applications ADD COLUMN withdrawn_at timestamptz, ADD COLUMN withdrawn_by text, ADD COLUMN withdraw_ticket_ref text`);
}
