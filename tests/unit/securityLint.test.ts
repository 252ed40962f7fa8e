// Proves the security lint rules (issue 25 item 8) report what they are for, and let the safe forms through: code
// from strings, raw HTML into the page, and SQL built from strings unless the interpolation was reviewed
// (eslint/sql-reviewed.js, matched by file and exact text).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: root });
const rules = ['no-eval', 'no-new-func', 'security/no-raw-html', 'security/no-sql-strings'];

async function securityErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  return (result?.messages ?? []).filter((m) => rules.includes(m.ruleId ?? '')).map((m) => m.ruleId!);
}

describe('security lint rules', () => {
  it.each([
    ['renderer/src/x.ts', 'export const a = (s: string) => eval(s);', 'no-eval'],
    ['server/x.ts', "export const a = new Function('return 1');", 'no-new-func'],
    ['renderer/src/x.tsx', 'export const A = ({ html }: { html: string }) => <div dangerouslySetInnerHTML={{ __html: html }} />;', 'security/no-raw-html'],
    ['renderer/src/x.ts', "import { createElement } from 'react';\nexport const a = (html: string) => createElement('div', { dangerouslySetInnerHTML: { __html: html } });", 'security/no-raw-html'],
    ['renderer/src/x.ts', 'export const a = (el: HTMLElement, s: string) => { el.innerHTML = s; };', 'security/no-raw-html'],
    ['renderer/src/x.ts', "export const a = (el: HTMLElement, s: string) => el.insertAdjacentHTML('beforeend', s);", 'security/no-raw-html'],
    ['server/x.ts', 'export const a = (db: { query(s: string): void }, name: string) => db.query(`SELECT * FROM people WHERE username = ${name}`);', 'security/no-sql-strings'],
    ['server/x.ts', "export const a = (db: { query(s: string): void }, name: string) => db.query('SELECT * FROM people WHERE username = ' + name);", 'security/no-sql-strings'],
    ['electron/store/x.ts', 'export const a = (db: { prepare(s: string): void }, id: string) => db.prepare(`DELETE FROM cases WHERE id = ${id}`);', 'security/no-sql-strings'],
    ['electron/store/x.ts', "export const a = (db: { exec(s: string): void }, t: string, on: boolean) => db.exec(`DROP TABLE ${on ? `${t}` : 'x'}`);", 'security/no-sql-strings'],
    // A reviewed text in another file, or a new text in a reviewed file, is not reviewed.
    ['server/x.ts', 'export const a = (db: { query(s: string): void }, CHANGES_LOCK: string) => db.query(`SELECT pg_advisory_xact_lock(${CHANGES_LOCK})`);', 'security/no-sql-strings'],
    ['server/feed.ts', 'export const a = (db: { query(s: string): void }, reviewer: string) => db.query(`SELECT pg_advisory_xact_lock(${reviewer})`);', 'security/no-sql-strings'],
  ])('%s: %s is reported', async (file, code, rule) => {
    expect(await securityErrors(file, code)).toContain(rule);
  });

  it.each([
    ['server/x.ts', "export const a = (db: { query(s: string, p: unknown[]): void }, name: string) => db.query('SELECT * FROM people WHERE username = $1', [name]);"],
    ['server/x.ts', 'export const a = (db: { query(s: string): void }) => db.query(`SELECT 1\n FROM people`);'],
    ['electron/store/x.ts', "export const a = (db: { prepare(s: string): { get(p: unknown): void } }, id: string) => db.prepare('SELECT * FROM cases WHERE id = @id').get({ id });"],
    // The reviewed interpolation in its own file.
    ['server/feed.ts', 'const CHANGES_LOCK = 1;\nexport const a = (db: { query(s: string): void }) => db.query(`SELECT pg_advisory_xact_lock(${CHANGES_LOCK})`);'],
    ['renderer/src/x.tsx', 'export const A = ({ text }: { text: string }) => <div title={text}>{text}</div>;'],
    ['renderer/src/x.ts', 'export const a = (el: HTMLElement, s: string) => { el.textContent = s; };'],
  ])('%s: %s passes', async (file, code) => {
    expect(await securityErrors(file, code)).toEqual([]);
  });

  it('lists no reviewed interpolation that the code no longer has', async () => {
    // A plain .js module of the lint config: loaded by address, as ESLint loads it, not type-checked.
    const list = pathToFileURL(resolve(root, 'eslint/sql-reviewed.js')).href;
    const { reviewedSql } = (await import(list)) as { reviewedSql: Record<string, Record<string, string>> };
    const stale = Object.entries(reviewedSql).flatMap(([file, parts]) =>
      Object.keys(parts)
        .filter((text) => !readFileSync(resolve(root, file), 'utf8').includes('${' + text + '}'))
        .map((text) => `${file}: ${text}`),
    );
    expect(stale).toEqual([]);
  });
});
