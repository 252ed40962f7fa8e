// The decision log's CSV: read back with a real CSV parser, as a spreadsheet would. A BOM, one header row in either
// language, every cell that a spreadsheet would run made inert, and quoting that survives commas, quotes, newlines
// and CJK text.
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import type { DecisionLogEntry } from '../../shared/contract/supervision';
import { seededRandom } from '../../shared/prng';
import { inertCell, localIso } from './csvFile';
import { csvColumns, csvHead, csvRows, csvWords } from './decisionsCsv';

const entry = (over: Partial<DecisionLogEntry> = {}): DecisionLogEntry => ({
  id: '01900000-0000-7000-8000-000000000001',
  applicationId: 'VA0100000001',
  kind: 'individual',
  applicantName: 'ZHANG Wei',
  reviewer: 'reviewer3',
  outcome: 'reject',
  reasonCodes: ['name_mismatch', 'document_expired'],
  overriddenRules: [],
  overrideNote: null,
  flags: [{ rule: 'R2', severity: 'warning', reason: 'name_differs', overridable: false, facts: {} }],
  decidedAt: '2026-11-20T08:00:00.000Z',
  appliedAt: '2026-11-20T08:00:01.000Z',
  offline: false,
  deviceId: 'device-a',
  openedAt: '2026-11-20T07:48:30.000Z',
  dueAt: '2026-11-23T08:00:00.000Z',
  handlingMs: 690_000,
  withinDeadline: true,
  effect: 'in_effect',
  reviews: [],
  ...over,
});

/** The file as a spreadsheet reads it: BOM stripped, rows of cells. */
const read = (csv: string): string[][] => parse(csv, { bom: true, relax_column_count: false }) as string[][];
const file = (entries: DecisionLogEntry[], language: 'en' | 'zh-CN' = 'en') => csvHead(language) + csvRows(entries, language);
const column = (name: (typeof csvColumns)[number]) => csvColumns.indexOf(name);

describe('the decision log as CSV', () => {
  it('starts with a UTF-8 BOM and one header row, in English or Chinese', () => {
    for (const language of ['en', 'zh-CN'] as const) {
      const csv = file([entry()], language);
      expect(Buffer.from(csv, 'utf8').subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
      const [header, ...rows] = read(csv);
      expect(header).toEqual(csvColumns.map((c) => csvWords[language].header[c]));
      expect(rows).toHaveLength(1);
    }
    expect(read(file([], 'zh-CN'))[0]).toContain('审核员');
    expect(read(file([], 'en'))[0]).toContain('Reviewer');
  });

  it('writes the words of the cells in the same language, lists joined readably, instants in ISO 8601 with the zone', () => {
    const e = entry({ reviews: [{ supervisor: 'supervisor1', stage: 'quality', verdict: 'overturn', reason: 'ID photo mismatch.', reviewedAt: '2026-11-21T09:30:00.000Z' }], offline: true });
    const [, en] = read(file([e], 'en'));
    const [, zh] = read(file([e], 'zh-CN'));
    expect(en![column('outcome')]).toBe('Rejected');
    expect(zh![column('outcome')]).toBe('已驳回');
    expect(zh![column('offline')]).toBe('是');
    expect(en![column('handlingMinutes')]).toBe('11.5');
    expect(en![column('withinDeadline')]).toBe('yes');
    expect(Date.parse(en![column('openedAt')]!)).toBe(Date.parse('2026-11-20T07:48:30.000Z'));
    // Unknown (a decision from a workstation that did not send its opening): empty, not zero or "no".
    const [, unknown] = read(file([entry({ openedAt: null, handlingMs: null, dueAt: null, withinDeadline: null })]));
    expect([unknown![column('openedAt')], unknown![column('handlingMinutes')], unknown![column('dueAt')], unknown![column('withinDeadline')]]).toEqual(['', '', '', '']);
    expect(en![column('reasonCodes')]).toBe('name_mismatch; document_expired');
    expect(en![column('flags')]).toBe('R2 name_differs');
    expect(en![column('reviews')]).toBe(`quality review overturned supervisor1 ${localIso('2026-11-21T09:30:00.000Z')}: ID photo mismatch.`);
    expect(en![column('effect')]).toBe('in effect');
    expect(zh![column('effect')]).toBe('已生效');
    const decided = en![column('decidedAt')]!;
    expect(decided).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
    // The same instant, whatever the machine's zone.
    expect(Date.parse(decided)).toBe(Date.parse('2026-11-20T08:00:00.000Z'));
  });

  it('makes a hostile applicant name inert: the formula comes out with a leading quote, its text intact', () => {
    const hostile = '=HYPERLINK("http://x","y")';
    const [, row] = read(file([entry({ applicantName: hostile })]));
    expect(row![column('applicant')]).toBe(`'${hostile}`);
  });

  it.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\rcmd', "'\rcmd"],
    ['plain', 'plain'],
    ['a=b', 'a=b'],
    ['', ''],
    ["'already", "'already"],
  ])('escapes %j as %j', (cell, escaped) => {
    expect(inertCell(cell)).toBe(escaped);
    const [, row] = read(file([entry({ overrideNote: cell })]));
    expect(row![column('overrideNote')]).toBe(escaped);
  });

  it('keeps commas, quotes, newlines and CJK text in one cell', () => {
    const names = ['Smith, John', 'The "Best" Ltd', 'line one\nline two', 'first\r\nsecond', '张伟（北京）科技有限公司', '  spaced  '];
    const csv = file(names.map((applicantName, i) => entry({ applicantName, id: `id-${i}` })));
    const rows = read(csv).slice(1);
    expect(rows.map((r) => r[column('applicant')])).toEqual(names);
    expect(rows.every((r) => r.length === csvColumns.length)).toBe(true);
  });

  it('round-trips any cell, and no cell ever starts as a formula (seeded random property, 2,000 cases)', () => {
    // fast-check is not among the dependencies: a seeded generator over a hostile alphabet, reproducible by its seed.
    const alphabet = ['=', '+', '-', '@', '\t', '\r', '\n', '"', ',', ';', "'", ' ', 'a', 'Z', '1', '张', '伟', '\u00a0', '\ufeff', 'é'];
    const random = seededRandom(21);
    const cell = () => Array.from({ length: Math.floor(random() * 12) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    for (let i = 0; i < 2000; i += 1) {
      const name = cell();
      const note = cell();
      const [, row] = read(file([entry({ applicantName: name, overrideNote: note })]));
      expect(row).toHaveLength(csvColumns.length);
      for (const c of row!) expect(c).not.toMatch(/^[=+\-@\t\r]/);
      // Every cell comes back as written; one that started like a formula, behind a single quote.
      const expected = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
      expect(row![column('applicant')]).toBe(expected(name));
      expect(row![column('overrideNote')]).toBe(expected(note));
    }
  });
});
