// The supervisor's exports in Chinese, against a real central service: the filtered decision log as CSV with zh-CN
// headers and values, a BOM, and a hostile applicant name made inert; the decision report as PDF whose text holds the
// Chinese title and the report's numbers, its first page rendered (pdf.js in Chromium) and saved under
// test-results/screenshots/ to be looked at.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { extractText, getDocumentProxy } from 'unpdf';
import type * as PdfJs from 'unpdf/pdfjs';
import type { DecisionReport } from '../../shared/contract/reports';
import type { DecisionLogPage } from '../../shared/contract/supervision';
import { expect, test } from './fixtures';
import { call, centralSession, decideAtCentral, submitAssigned } from './supervisor-support';

test.use({ centralDemoCount: 12, centralSignIn: 'supervisor1' });

const hostile = '=HYPERLINK("http://x","y")';
const zhHeaders = ['决定时间（设备）', '应用时间（中央服务）', '审核员', '申请', '申请人', '类型', '结果', '原因代码', '决定编号'];

test('zh-CN: the filtered decision log exports as CSV with Chinese headers, a BOM and the hostile name inert', async ({ app, host, central }) => {
  test.slow(); // the first sync brings the demo's whole decision history
  const url = central!.server.url;
  const assigned = await submitAssigned(url, 'reviewer1', hostile);
  expect(await decideAtCentral(url, 'reviewer1', assigned, { outcome: 'reject', reasonCodes: ['name_mismatch'] })).toMatchObject({ status: 'applied' });
  await expect(app.getByTestId('decision-row').first()).toBeVisible({ timeout: 60_000 });
  await app.getByLabel('Language').selectOption('zh-CN');
  await expect(app.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(async () => {
    await call(host, 'sync.now', {});
    const theirs = await call<DecisionLogPage>(host, 'decisions.log', { reviewer: 'reviewer1', limit: 200 });
    expect(theirs.items.map((e) => e.applicationId)).toContain(assigned.application.id);
  }).toPass({ timeout: 60_000 });

  await app.getByLabel('审核员').selectOption('reviewer1');
  await app.getByLabel('结果').selectOption('reject');
  const expected = await call<DecisionLogPage>(host, 'decisions.log', { reviewer: 'reviewer1', outcome: 'reject', limit: 200 });
  await expect(app.getByTestId('decision-row')).toHaveCount(expected.items.length);
  const [download] = await Promise.all([app.waitForEvent('download'), app.getByRole('button', { name: '导出 CSV' }).click()]);
  const bytes = await readFile((await download.path())!);
  expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  const [header, ...cells] = parse(bytes, { bom: true }) as string[][];
  for (const h of zhHeaders) expect(header).toContain(h);
  expect(header!.some((h) => /[A-Za-z]{4,}/.test(h))).toBe(false);
  const col = (name: string) => header!.indexOf(name);
  expect(cells.map((r) => r[col('决定编号')])).toEqual(expected.items.map((e) => e.id));
  expect(new Set(cells.map((r) => r[col('结果')]))).toEqual(new Set(['已驳回']));
  const row = cells.find((r) => r[col('申请')] === assigned.application.id)!;
  expect(row[col('申请人')]).toBe(`'${hostile}`);
  expect(row[col('类型')]).toBe('个人');
  for (const r of cells) for (const c of r) expect(c).not.toMatch(/^[=+\-@\t\r]/);
});

test('zh-CN: the decision report exports as PDF; its text holds the Chinese title and the numbers, its first page is rendered', async ({ app, central, browser }) => {
  test.slow(); // a first sync of the demo history, then the report drawn twice (workstation, pdf.js)
  const supervisor = await centralSession(central!.server.url, 'supervisor1');
  const report = await supervisor.get<DecisionReport>('/v1/reports/decisions');
  expect(report.decisions).toBeGreaterThan(0);
  await expect(app.getByTestId('signed-in-person')).toContainText('Supervisor One');
  await app.getByLabel('Language').selectOption('zh-CN');
  await app.getByRole('navigation').getByText('报表').click();
  await expect(app.getByTestId('report-status')).toContainText(/./, { timeout: 60_000 });
  const [download] = await Promise.all([app.waitForEvent('download'), app.getByRole('button', { name: '导出 PDF' }).click()]);
  const pdf = await readFile((await download.path())!);
  const { text } = await extractText(await getDocumentProxy(new Uint8Array(pdf)), { mergePages: true });
  const flat = text.replace(/\s+/g, ' ');
  expect(flat).toContain('审核决定报表');
  expect(flat).toContain('筛选条件');
  expect(flat).toContain('导出时间');
  expect(flat).toContain(String(report.decisions));
  for (const kind of report.outcomesByKind) expect(flat).toContain(`${kind.approved} ${kind.rejected}`);
  for (const reason of report.topRejectionReasons) expect(flat).toContain(`${reason.reasonCode} ${reason.count}`);
  expect(flat).not.toContain('This report is in English');

  // The first page drawn by pdf.js (unpdf's build) on a canvas in Chromium, saved to be looked at.
  const pdfjs = resolve(import.meta.dirname, '../../node_modules/unpdf/dist/pdfjs.mjs');
  const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
  await page.route('http://pdf.test/**', async (route) => {
    const path = new URL(route.request().url()).pathname;
    if (path === '/pdfjs.mjs') return route.fulfill({ body: await readFile(pdfjs), contentType: 'text/javascript' });
    if (path === '/report.pdf') return route.fulfill({ body: pdf, contentType: 'application/pdf' });
    return route.fulfill({ body: '<!doctype html><canvas id="page"></canvas>', contentType: 'text/html' });
  });
  await page.goto('http://pdf.test/');
  const size = await page.evaluate(async () => {
    const { getDocument } = (await import('http://pdf.test/pdfjs.mjs' as string)) as typeof PdfJs;
    const bytes = new Uint8Array(await (await fetch('http://pdf.test/report.pdf')).arrayBuffer());
    const doc = await getDocument({ data: bytes }).promise;
    const first = await doc.getPage(1);
    const viewport = first.getViewport({ scale: 1.4 });
    const canvas = document.getElementById('page') as HTMLCanvasElement;
    canvas.width = viewport.width;
    canvas.height = viewport.height;
    await first.render({ canvas, canvasContext: canvas.getContext('2d')!, viewport }).promise;
    return { width: canvas.width, height: canvas.height, pages: doc.numPages };
  });
  expect(size.pages).toBeGreaterThan(0);
  await page.locator('#page').screenshot({ path: 'test-results/screenshots/report-pdf-zh-CN-page1.png' });
  await page.close();
});
