// Formatting of times, durations and places in the UI language.
import type { UiLanguage } from '../../../shared/contract/app';
import type { Translate } from '../i18n';

const pad2 = (n: number) => String(n).padStart(2, '0');

/**
 * A date and time to the minute, in local time, exactly as `Intl.DateTimeFormat(language, {numeric date, 2-digit
 * hour and minute, h23})` writes it (format.test.ts holds the two to each other). Built by hand because the first
 * Intl date format of a page loads the locale's calendar data, 60–90 ms of a fresh renderer's start, and the queue's
 * first rows are full of dates.
 */
export function formatDateTime(iso: string, language: UiLanguage): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const [y, mo, d, h, mi] = [String(date.getFullYear()).padStart(4, '0'), pad2(date.getMonth() + 1), pad2(date.getDate()), pad2(date.getHours()), pad2(date.getMinutes())];
  return language === 'zh-CN' ? `${y}/${mo}/${d} ${h}:${mi}` : `${mo}/${d}/${y}, ${h}:${mi}`;
}

/** A duration as days and hours, hours and minutes, or minutes. */
export function formatDuration(ms: number, t: Translate): string {
  const minutes = Math.floor(Math.abs(ms) / 60_000);
  const d = Math.floor(minutes / 1440);
  const h = Math.floor((minutes % 1440) / 60);
  const m = minutes % 60;
  if (d > 0) return t('time.days', { d, h });
  if (h > 0) return t('time.hours', { h, m });
  return t('time.minutes', { m });
}

/** "in 2 d 4 h" or "3 h 10 min overdue". */
export function formatDue(dueAt: string, now: number, t: Translate): string {
  const left = Date.parse(dueAt) - now;
  return left >= 0 ? t('due.in', { time: formatDuration(left, t) }) : t('due.overdueBy', { time: formatDuration(left, t) });
}

const regionNames = new Map<string, Intl.DisplayNames>();

/** "Hong Kong (HK)": the place's name in the UI language with its code. */
export function formatLocation(code: string, language: UiLanguage, t: Translate): string {
  let names = regionNames.get(language);
  if (!names) {
    names = new Intl.DisplayNames([language], { type: 'region', fallback: 'code' });
    regionNames.set(language, names);
  }
  let name = code;
  try {
    name = names.of(code) ?? code;
  } catch {
    name = code;
  }
  return name === code ? code : t('location.named', { name, code });
}

export function formatPercent(share: number, language: UiLanguage): string {
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 1 }).format(share);
}

export function formatNumber(value: number, language: UiLanguage): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: 1 }).format(value);
}
