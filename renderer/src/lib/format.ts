// Formatting of times, durations and places in the UI language (Intl only; no strings of our own here).
import type { UiLanguage } from '../../../shared/contract/app';
import type { Translate } from '../i18n';

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

export function formatDateTime(iso: string, language: UiLanguage): string {
  let format = dateTimeFormats.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(language, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    dateTimeFormats.set(language, format);
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : format.format(date);
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
