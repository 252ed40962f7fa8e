// A supervisor exports what the log shows, against a real central service: an application submitted with a hostile
// applicant name and decided by a reviewer reaches the log; the supervisor filters the log and exports it as CSV,
// and the download is exactly the filtered rows (all of them, not only the loaded page), the hostile name made inert.
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { extractText, getDocumentProxy } from 'unpdf';
import type { ApplicationEnvelope } from '../../shared/contract/central';
import type { DecisionReport } from '../../shared/contract/reports';
import type { DecisionLogEntry, DecisionLogPage } from '../../shared/contract/supervision';
import type { Outcome } from '../../shared/errors';
import { drawSpecimen } from '../../resources/specimens/draw';
import { expect, test, type Host } from './fixtures';
import { specimenIdNumber } from '../support/specimenNumbers';

test.use({ centralDemoCount: 12, centralSignIn: 'supervisor1' });

const hostile = '=HYPERLINK("http://x","y")';

async function call<T>(host: Host, channel: string, body: unknown): Promise<T> {
  const { json } = await host.call(channel, body);
  const answer = json as Outcome<T>;
  if (!answer.ok) throw new Error(`${channel} failed: ${answer.error.code} ${answer.error.message}`);
  return answer.value;
}

async function central<T>(url: string, username: string, path: string, body?: unknown): Promise<T> {
  const session = await fetch(`${url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'verity-demo' }) });
  const { accessToken } = (await session.json()) as { accessToken: string };
  const res = await fetch(`${url}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  expect(res.status, `${path}: ${res.status}`).toBeLessThan(300);
  return (await res.json()) as T;
}

/** Every decision the log holds for a filter, page after page, in the log's order. */
async function everyDecision(host: Host, filter: object): Promise<DecisionLogEntry[]> {
  const all: DecisionLogEntry[] = [];
  let cursor: string | null = null;
  do {
    const page: DecisionLogPage = await call<DecisionLogPage>(host, 'decisions.log', { ...filter, limit: 200, ...(cursor ? { cursor } : {}) });
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

test('a supervisor exports the filtered decision log as CSV; a hostile applicant name comes out inert', async ({ app, host, central: service }) => {
  test.slow(); // the first sync brings the demo's whole decision history
  const url = service!.server.url;
  // Intake submits an application whose applicant name is a spreadsheet formula; reviewer1 rejects it.
  const card = { kind: 'id_card', fullName: 'SPECIMEN Person', documentNumber: 'HX1', issuingLocation: 'CN', birthDate: '1990-01-01', expiryDate: '2035-01-01' } as const;
  const [front, back] = await Promise.all([drawSpecimen({ ...card, side: 'front' }), drawSpecimen({ ...card, side: 'back' })]);
  const submitted = await central<ApplicationEnvelope>(url, 'intake', '/v1/applications', {
    accountId: `acct-${randomUUID().slice(0, 8)}`,
    kind: 'individual',
    registrationLocation: 'CN',
    identity: { kind: 'individual', fullName: hostile, documentType: 'id_card', documentNumber: specimenIdNumber('HX1'), issuingLocation: 'CN' },
    icp: { mainlandResources: false, icpFilingIntended: false, icpEntityName: null },
    applicantLanguage: 'en',
    documents: [
      { role: 'front', contentBase64: front.toString('base64') },
      { role: 'back', contentBase64: back.toString('base64') },
    ],
  });
  const assigned = await central<ApplicationEnvelope>(url, 'supervisor1', `/v1/applications/${submitted.application.id}/assign`, { reviewer: 'reviewer1' });
  await central(url, 'reviewer1', '/v1/mutations:batch', {
    deviceId: 'e2e-reviewer-device',
    mutations: [
      {
        type: 'decision',
        id: randomUUID(),
        applicationId: assigned.application.id,
        baseVersion: assigned.application.version,
        madeAt: new Date().toISOString(),
        madeBy: 'reviewer1',
        offline: false,
        outcome: 'reject',
        reasonCodes: ['name_mismatch'],
        applicantMessage: 'The name does not match the document.',
        internalNote: '',
        overrideNote: null,
      },
    ],
  });

  // The supervisor's workstation brings the decision into its log.
  const rows = app.getByTestId('decision-row');
  await expect(rows.first()).toBeVisible({ timeout: 60_000 });
  await expect(async () => {
    await call(host, 'sync.now', {});
    const theirs = await call<DecisionLogPage>(host, 'decisions.log', { reviewer: 'reviewer1', limit: 200 });
    expect(theirs.items.map((e) => e.applicationId)).toContain(assigned.application.id);
  }).toPass({ timeout: 60_000 });

  // Filter as a supervisor would: reviewer1's rejections for a name mismatch.
  await app.getByLabel('Reviewer').selectOption('reviewer1');
  await app.getByLabel('Outcome').selectOption('reject');
  await app.getByLabel('Reason').selectOption('name_mismatch');
  const filter = { reviewer: 'reviewer1', outcome: 'reject', reasonCode: 'name_mismatch' } as const;
  const expected = await everyDecision(host, filter);
  expect(expected.map((e) => e.applicationId)).toContain(assigned.application.id);
  await expect(app.getByTestId('decision-log-shown')).toContainText(`of ${expected.length} shown`);

  const auditedBefore = (await call<{ count: number }>(host, 'audit.verify', {})).count;
  const [download] = await Promise.all([app.waitForEvent('download'), app.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^verity-decisions-\d{8}-\d{4}\.csv$/);
  const bytes = await readFile((await download.path())!);
  expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  const [header, ...cells] = parse(bytes, { bom: true }) as string[][];
  expect(header).toContain('Applicant');
  const col = (name: string) => header!.indexOf(name);
  // Exactly the filtered decisions, in the log's order.
  expect(cells.map((r) => r[col('Decision id')])).toEqual(expected.map((e) => e.id));
  expect(cells.map((r) => r[col('Reviewer')])).toEqual(expected.map(() => 'reviewer1'));
  expect(cells.every((r) => r[col('Reason codes')]!.split('; ').includes('name_mismatch'))).toBe(true);
  // The hostile name is there, made inert; no cell starts like a formula.
  const row = cells.find((r) => r[col('Application')] === assigned.application.id)!;
  expect(row[col('Applicant')]).toBe(`'${hostile}`);
  for (const r of cells) for (const c of r) expect(c).not.toMatch(/^[=+\-@\t\r]/);

  await expect(app.getByTestId('export-decisions_csv-status')).toContainText(`Saved ${download.suggestedFilename()}: ${expected.length} decisions.`);
  await app.screenshot({ path: 'test-results/screenshots/decision-log-exported-en-light.png' });
  // The export is in the workstation's audit trail, whose chain still holds.
  const audited = await call<{ ok: boolean; count: number }>(host, 'audit.verify', {});
  expect(audited).toMatchObject({ ok: true, count: auditedBefore + 1 });

  // Past the loaded page, by keyboard (E in the log): reviewer4's weeks of decisions, more than the 50 rows shown.
  await app.getByLabel('Reason').selectOption('all');
  await app.getByLabel('Outcome').selectOption('all');
  await app.getByLabel('Reviewer').selectOption('reviewer4');
  const many = await everyDecision(host, { reviewer: 'reviewer4' });
  expect(many.length).toBeGreaterThan(50);
  await expect(app.getByTestId('decision-log-shown')).toContainText(`50 of ${many.length} shown`);
  await rows.first().click();
  const [again] = await Promise.all([app.waitForEvent('download'), app.keyboard.press('e')]);
  const [, ...all] = parse(await readFile((await again.path())!), { bom: true }) as string[][];
  expect(all.map((r) => r[col('Decision id')])).toEqual(many.map((e) => e.id));
});

test('a supervisor exports a decision report as PDF; its text holds the title, the filter and the numbers', async ({ app, central: service }) => {
  // The numbers the central service reports over everything (the reports view shows this answer of reports.decisions).
  const report = await central<DecisionReport>(service!.server.url, 'supervisor1', '/v1/reports/decisions');
  expect(report.decisions).toBeGreaterThan(0);
  await expect(app.getByTestId('signed-in-person')).toContainText('Supervisor One');
  await app.getByRole('navigation').getByText('Reports').click();
  await expect(app.getByTestId('report-status')).toContainText(/./, { timeout: 60_000 });

  const [download] = await Promise.all([app.waitForEvent('download'), app.getByRole('button', { name: 'Export PDF' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^verity-report-\d{8}-\d{4}\.pdf$/);
  await expect(app.getByTestId('export-report_pdf-status')).toContainText(`Saved ${download.suggestedFilename()}`);
  const pdf = await readFile((await download.path())!);
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
  const flat = text.replace(/\s+/g, ' ');
  expect(flat).toContain('Decision report');
  expect(flat).toContain('Filters:');
  expect(flat).toContain('Exported at:');
  expect(flat).toContain('Supervisor One');
  expect(flat).toContain(String(report.decisions));
  for (const kind of report.outcomesByKind) expect(flat).toContain(`${kind.approved} ${kind.rejected}`);
  for (const reason of report.topRejectionReasons) expect(flat).toContain(`${reason.reasonCode} ${reason.count}`);
  expect(flat).toContain(`${report.quality.agree} ${report.quality.overturn}`);
});
