// The business calendar (R7) for supervisors: each year the central service knows (official or not, who changed it
// last), a form that adds or replaces one year's days off and make-up working days as the State Council publishes
// them, and the history of every change. Read and saved live on the central service; workstations pull it with their
// next sync. The days are typed one run per line in the table's own form (shared/holidays.ts):
// `2027-01-01 off New Year's Day`, `2027-02-06..2027-02-12 off Spring Festival`, `2027-02-20 work Spring Festival`.
// A chunk of its own (SupervisorArea.tsx).
import { useEffect, useState } from 'react';
import type { CalendarDay, CalendarYearRequest, PublishedCalendar } from '../../../shared/contract/calendar';
import { formatHolidayTable, parseHolidayTable } from '../../../shared/holidays';
import { useLanguage, useT } from '../i18n/useT';
import { formatDateTime } from '../lib/format';
import { useCalendar } from '../state/calendar';
import { ErrorBanner } from './ErrorBanner';

interface Draft {
  year: string;
  official: boolean;
  days: string;
  note: string;
}

/** The year's days in the form's text (consecutive days of one name on one line). */
export function daysText(calendar: PublishedCalendar, year: number): string {
  const of = (kind: CalendarDay['kind']) => Object.fromEntries(calendar.days.filter((d) => d.kind === kind && d.date.startsWith(`${year}-`)).map((d) => [d.date, d.name]));
  return formatHolidayTable({ holidays: of('holiday'), workdays: of('workday') }).trim();
}

/** The form's text as the request's days; a line that does not read names itself. */
export function requestDays(text: string): { ok: true; days: Pick<CalendarYearRequest, 'holidays' | 'workingDays'> } | { ok: false; detail: string } {
  try {
    const table = parseHolidayTable(text);
    return {
      ok: true,
      days: {
        holidays: [...table.holidays].map(([date, name]) => ({ date, name })),
        workingDays: [...table.workdays].map(([date, name]) => ({ date, name })),
      },
    };
  } catch (error) {
    return { ok: false, detail: error instanceof Error ? error.message.replace(/^holiday table: /, '') : String(error) };
  }
}

function emptyDraft(): Draft {
  return { year: String(new Date().getFullYear() + 1), official: true, days: '', note: '' };
}

export function CalendarView() {
  const t = useT();
  const language = useLanguage();
  const screen = useCalendar((s) => s.screen);
  const loading = useCalendar((s) => s.loading);
  const saving = useCalendar((s) => s.saving);
  const error = useCalendar((s) => s.error);
  const saved = useCalendar((s) => s.saved);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [invalid, setInvalid] = useState<string | null>(null);

  useEffect(() => {
    void useCalendar.getState().load();
  }, []);

  const edit = (patch: Partial<Draft>) => {
    useCalendar.getState().edited();
    setInvalid(null);
    setDraft((d) => ({ ...d, ...patch }));
  };

  const loadYear = (year: number) => {
    if (!screen) return;
    const known = screen.calendar.years.find((y) => y.year === year);
    edit({ year: String(year), official: known?.official ?? true, days: daysText(screen.calendar, year), note: '' });
    document.getElementById('calendar-days')?.focus();
  };

  const save = async () => {
    const year = Number(draft.year);
    if (!/^\d{4}$/.test(draft.year.trim()) || year < 2000 || year > 2100) return setInvalid(t('calendar.invalid.year'));
    const days = requestDays(draft.days);
    if (!days.ok) return setInvalid(t('calendar.invalid.line', { detail: days.detail }));
    if (draft.note.trim() === '') return setInvalid(t('calendar.invalid.note'));
    if (await useCalendar.getState().save(year, { official: draft.official, ...days.days, note: draft.note.trim() })) {
      setDraft((d) => ({ ...d, note: '' }));
    }
  };

  const thisYear = new Date().getFullYear();
  const known = new Set(screen?.calendar.years.filter((y) => y.official).map((y) => y.year) ?? []);
  const missing = screen ? [thisYear, thisYear + 1].filter((y) => !known.has(y)) : [];

  return (
    <section className="decision-log calendar-view" aria-labelledby="calendar-title" data-testid="calendar-view">
      <div className="log-head">
        <h1 id="calendar-title">{t('calendar.title')}</h1>
        <button type="button" onClick={() => void useCalendar.getState().load()} disabled={loading}>
          {t('calendar.refresh')}
        </button>
      </div>
      <p className="muted small">{t('calendar.intro')}</p>
      {error && <ErrorBanner error={error} />}
      {missing.map((year) => (
        <p key={year} className="warning-banner small" role="status" data-testid="calendar-missing-year">
          {t('calendar.missingYear', { year: String(year) })}
        </p>
      ))}
      {screen && (
        <>
          <p className="muted small" data-testid="calendar-version">
            {t('calendar.version', { version: screen.calendar.version, timeZone: screen.calendar.timeZone })}
          </p>
          <div className="log-table-wrap">
            <table className="log-table calendar-years">
              <caption className="visually-hidden">{t('calendar.years')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('calendar.col.year')}</th>
                  <th scope="col">{t('calendar.col.status')}</th>
                  <th scope="col">{t('calendar.col.daysOff')}</th>
                  <th scope="col">{t('calendar.col.workingDays')}</th>
                  <th scope="col">{t('calendar.col.changed')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('calendar.col.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {[...screen.calendar.years].reverse().map((y) => {
                  const days = screen.calendar.days.filter((d) => d.date.startsWith(`${y.year}-`));
                  return (
                    <tr key={y.year} data-year={y.year}>
                      <th scope="row">{y.year}</th>
                      <td>{y.official ? t('calendar.official') : t('calendar.provisional')}</td>
                      <td>{days.filter((d) => d.kind === 'holiday').length}</td>
                      <td>{days.filter((d) => d.kind === 'workday').length}</td>
                      <td>{y.updatedBy && y.updatedAt ? t('calendar.changedBy', { person: y.updatedBy, time: formatDateTime(y.updatedAt, language) }) : t('calendar.fromPackage')}</td>
                      <td>
                        <button type="button" onClick={() => loadYear(y.year)} aria-label={t('calendar.editYear', { year: String(y.year) })}>
                          {t('calendar.edit')}
                        </button>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
      <form
        className="calendar-form"
        aria-labelledby="calendar-form-title"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <h2 id="calendar-form-title">{t('calendar.form.title')}</h2>
        <label className="stacked">
          <span>{t('calendar.form.year')}</span>
          <input type="text" inputMode="numeric" maxLength={4} value={draft.year} onChange={(e) => edit({ year: e.target.value })} />
        </label>
        <label className="policy-switch">
          <input type="checkbox" checked={draft.official} onChange={(e) => edit({ official: e.target.checked })} />
          <span>{t('calendar.form.official')}</span>
        </label>
        <label className="stacked">
          <span>{t('calendar.form.days')}</span>
          <textarea
            id="calendar-days"
            rows={12}
            spellCheck={false}
            aria-describedby="calendar-days-help"
            aria-invalid={invalid !== null}
            value={draft.days}
            onChange={(e) => edit({ days: e.target.value })}
          />
          <span id="calendar-days-help" className="small">
            {t('calendar.form.daysHelp')}
          </span>
        </label>
        <label className="stacked">
          <span>{t('calendar.form.note')}</span>
          <input type="text" maxLength={500} value={draft.note} onChange={(e) => edit({ note: e.target.value })} />
        </label>
        {invalid && (
          <p className="form-error" role="alert">
            {invalid}
          </p>
        )}
        {saved && (
          <p role="status" data-testid="calendar-saved">
            {t('calendar.saved', { version: saved.calendar.version, recomputed: saved.recomputed })}
          </p>
        )}
        <button type="submit" className="primary" disabled={saving}>
          {t('calendar.form.save')}
        </button>
      </form>
      {screen && (
        <>
          <h2 id="calendar-history-title">{t('calendar.history')}</h2>
          {screen.changes.length === 0 ? (
            <p className="log-empty">{t('calendar.history.none')}</p>
          ) : (
            <ol className="calendar-history" aria-labelledby="calendar-history-title" data-testid="calendar-history">
              {screen.changes.map((c) => (
                <li key={c.id}>
                  {t('calendar.history.entry', {
                    time: formatDateTime(c.changedAt, language),
                    person: c.changedBy,
                    year: String(c.year),
                    added: c.added.length,
                    removed: c.removed.length,
                    recomputed: c.recomputed,
                    status: c.officialAfter ? t('calendar.official') : t('calendar.provisional'),
                  })}{' '}
                  <q>{c.note}</q>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}
