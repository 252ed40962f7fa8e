// What every CSV the workstation exports shares, for a spreadsheet: UTF-8 with a BOM (so Excel reads CJK names
// right), one header row, CRLF rows (RFC 4180), instants in ISO 8601 with the zone. A cell a spreadsheet would run as
// a formula (=, +, -, @, tab, CR first) gets a leading single quote (OWASP's advice).
import { stringify } from 'csv-stringify/sync';

/** What a spreadsheet may run when a cell starts with it. */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A cell no spreadsheet runs: one starting like a formula gets a leading single quote. */
export function inertCell(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value;
}

const pad = (n: number, width = 2) => String(Math.abs(n)).padStart(width, '0');

/** An instant as ISO 8601 in this machine's zone, with its offset (2026-03-02T17:05:09+08:00). */
export function localIso(instant: string): string {
  const d = new Date(instant);
  const offset = -d.getTimezoneOffset();
  const zone = `${offset < 0 ? '-' : '+'}${pad(Math.trunc(offset / 60))}:${pad(offset % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${zone}`;
}

const options = { record_delimiter: 'windows' as const, quoted_match: /^\s|\s$/ };

/** The BOM and the header row. */
export function csvHeader(names: readonly string[]): string {
  return `\uFEFF${stringify([names], options)}`;
}

/** Rows of cells, in the order given; every cell made inert. */
export function csvLines(rows: readonly (readonly string[])[]): string {
  return stringify(
    rows.map((cells) => cells.map(inertCell)),
    options,
  );
}
