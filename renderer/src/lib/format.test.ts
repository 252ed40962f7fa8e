import { describe, expect, it } from 'vitest';
import { formatDateTime } from './format';

const intl = (iso: string, language: string) =>
  new Intl.DateTimeFormat(language, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));

describe('formatDateTime', () => {
  // Midnight, single digits, the turn of a year and a leap day, in whatever time zone the test runs.
  const instants = ['2026-03-04T05:06:00Z', '2026-12-31T23:59:59Z', '2027-01-01T00:00:00Z', '2028-02-29T12:30:00Z', '2026-11-27T16:00:00+08:00', '1999-07-09T09:09:00Z'];

  it.each(instants)('writes %s as Intl does, in both UI languages', (iso) => {
    expect(formatDateTime(iso, 'en')).toBe(intl(iso, 'en'));
    expect(formatDateTime(iso, 'zh-CN')).toBe(intl(iso, 'zh-CN'));
  });

  it('keeps text that is not a time as it is', () => {
    expect(formatDateTime('not a time', 'en')).toBe('not a time');
  });
});
