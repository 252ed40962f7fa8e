// withdrawals.exportCsv against a real central service and a real store: the file holds exactly the withdrawals the
// view's filter matches, every one of them (past the central service's 1,000-row pages and the copy's 200-row ones),
// in the view's order and columns, hostile text made inert; from the copy a supervisor's sync keeps when the central
// service is out of reach.
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WithdrawalLogPage, WithdrawalRecord } from '../../shared/contract/withdrawals';
import { supervisorCall as ctx, supervisorCredentials } from '../../tests/support/supervisorSync';
import { engineOptions, openWorkstationSide, startCentral, type CentralFixture, type Workstation } from '../../tests/support/sync';
import { createSyncEngine, type SyncEngine } from '../sync/engine';
import { EventHub } from './events';
import { createExportHandlers, ExportShelf } from './exports';
import { createWithdrawalHandlers } from './withdrawals';

const hostile = '=HYPERLINK("http://x","y")';
/** More than one central page (1,000) of withdrawals. */
const withdrawn = 1_050;

let central: CentralFixture;
let side: Workstation;
let engine: SyncEngine;

beforeAll(async () => {
  central = await startCentral();
  const db = central.server.db;
  const now = central.server.clock.now.getTime();
  // Withdrawn through tickets over the last days, as intake's route stores them; every 3rd held by reviewer1, every
  // 5th nobody's yet, every 100th with a name a spreadsheet would run.
  await db.query(`INSERT INTO accounts (id, registration_location) SELECT 'WX-ACC-' || n, 'CN' FROM generate_series(1, $1::int) AS n`, [withdrawn]);
  await db.query(
    `INSERT INTO applications (id, account_id, kind, registration_location, submitted_at, status, version, identity, icp, applicant_language,
       due_at, escalate_at, assignee, doc_key, withdrawn_at, withdrawn_by, withdraw_ticket_ref)
     SELECT 'WX' || lpad(n::text, 6, '0'), 'WX-ACC-' || n, 'individual', 'CN', $2::timestamptz - interval '3 days', 'withdrawn', 3,
            jsonb_build_object('kind', 'individual', 'fullName', CASE WHEN n % 100 = 0 THEN $3 ELSE 'SPECIMEN Withdrawn, "' || n || '"' END,
                               'documentType', 'id_card', 'documentNumber', 'W' || n, 'issuingLocation', 'CN'),
            '{"mainlandResources": false, "icpFilingIntended": false, "icpEntityName": null}'::jsonb, 'en',
            $2::timestamptz, $2::timestamptz, CASE WHEN n % 5 = 0 THEN NULL WHEN n % 3 = 0 THEN 'reviewer1' ELSE 'reviewer2' END, 'id_card|W' || n || '|CN',
            $2::timestamptz - n * interval '1 minute', 'intake', 'SUP-' || (500000 + n)
       FROM generate_series(1, $1::int) AS n`,
    [withdrawn, new Date(now), hostile],
  );
  side = openWorkstationSide();
  engine = createSyncEngine(engineOptions(side, central.server.url, supervisorCredentials));
  // The supervisor's sync keeps the copy (all of them: fewer than its capacity).
  expect((await engine.syncNow()).error).toBeNull();
}, 240_000);
afterAll(async () => {
  await engine?.stop();
  await side?.close();
  await central?.close();
});

/** Every withdrawal the view would show for a filter, page after page. */
async function everyShown(get: SyncEngine['get'] | null, filter: object): Promise<WithdrawalRecord[]> {
  const log = createWithdrawalHandlers(side.store, get)['withdrawals.log'];
  const all: WithdrawalRecord[] = [];
  let cursor: string | null = null;
  do {
    const page: WithdrawalLogPage = await log({ ...filter, limit: 200, ...(cursor ? { cursor } : {}) }, ctx);
    all.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return all;
}

/** The file withdrawals.exportCsv makes, read as a spreadsheet would, and the progress it reported. */
async function exported(from: SyncEngine, filter: object, language: 'en' | 'zh-CN' = 'en') {
  const shelf = new ExportShelf();
  const events = new EventHub();
  const progress: { done: number; total: number }[] = [];
  events.listen((event, payload) => {
    if (event === 'exports.progress') progress.push(payload as { done: number; total: number });
  });
  const handlers = createExportHandlers(side.store, { get: from.get.bind(from), lines: from.lines.bind(from) }, shelf, events);
  const prepared = await handlers['withdrawals.exportCsv']({ filter, language }, ctx);
  const file = shelf.take(prepared.exportId, 'supervisor1');
  expect(file.bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  const [header, ...rows] = parse(file.bytes, { bom: true }) as string[][];
  return { prepared, record: file.record, header: header!, rows, progress };
}

describe('withdrawals.exportCsv', () => {
  it('holds every withdrawal the filter matches, in the view’s order and columns, hostile text inert', async () => {
    const shown = await everyShown(engine.get.bind(engine), {});
    expect(shown).toHaveLength(withdrawn);
    const { prepared, record, header, rows, progress } = await exported(engine, {});
    expect(prepared).toMatchObject({ kind: 'withdrawals_csv', rows: withdrawn, contentType: 'text/csv; charset=utf-8' });
    expect(prepared.fileName).toMatch(/^verity-withdrawals-\d{8}-\d{4}\.csv$/);
    expect(record).toMatchObject({ kind: 'withdrawals_csv', rows: withdrawn, filter: '{}', language: 'en' });
    expect(header).toEqual(['Withdrawn at', 'Application', 'Applicant', 'Kind', 'Held by', 'Ticket', 'Sent by']);
    expect(rows.map((r) => r[1])).toEqual(shown.map((w) => w.applicationId));
    expect(rows.map((r) => r[5])).toEqual(shown.map((w) => w.ticketRef));
    expect(rows.map((r) => Date.parse(r[0]!))).toEqual(shown.map((w) => Math.floor(Date.parse(w.withdrawnAt) / 1000) * 1000));
    expect(rows.map((r) => r[4])).toEqual(shown.map((w) => (w.reviewer === null ? 'Nobody yet' : w.reviewerName)));
    expect(new Set(rows.map((r) => r[6]))).toEqual(new Set(['intake']));
    // The hostile names are there, made inert; no cell starts like a formula; the others read back as written.
    expect(rows.filter((r) => r[2] === `'${hostile}`)).toHaveLength(Math.floor(withdrawn / 100));
    expect(rows.find((r) => r[1] === 'WX000007')?.[2]).toBe('SPECIMEN Withdrawn, "7"');
    for (const r of rows) for (const c of r) expect(c).not.toMatch(/^[=+\-@\t\r]/);
    // Progress page by page, against the total the first page counted.
    expect(progress.map((p) => p.done)).toEqual([1000, withdrawn]);
    expect(progress.at(-1)).toEqual({ kind: 'withdrawals_csv', done: withdrawn, total: withdrawn });
  }, 120_000);

  it('exports the filtered withdrawals only, and in Chinese', async () => {
    const filter = { reviewer: 'reviewer1', text: 'withdrawn' };
    const shown = await everyShown(engine.get.bind(engine), filter);
    expect(shown.length).toBeGreaterThan(200);
    expect(shown.length).toBeLessThan(withdrawn / 2);
    const { header, rows, record } = await exported(engine, filter, 'zh-CN');
    expect(header).toEqual(['撤回时间', '申请', '申请人', '类型', '处理人', '工单', '提交账号']);
    expect(rows.map((r) => r[1])).toEqual(shown.map((w) => w.applicationId));
    expect(new Set(rows.map((r) => r[3]))).toEqual(new Set(['个人']));
    expect(record.filter).toBe('{"reviewer":"reviewer1","text":"withdrawn"}');
  }, 120_000);

  it('exports from the synced copy when the central service is out of reach: the same rows', async () => {
    const away = createSyncEngine(engineOptions(side, 'http://127.0.0.1:9/', supervisorCredentials));
    try {
      const filter = { reviewer: 'reviewer2' };
      const live = await everyShown(engine.get.bind(engine), filter);
      const copy = await everyShown(away.get.bind(away), filter);
      expect(copy).toEqual(live);
      const { rows, progress } = await exported(away, filter);
      expect(live.length).toBeGreaterThan(400); // three of the copy's 200-row pages
      expect(rows.map((r) => r[1])).toEqual(live.map((w) => w.applicationId));
      expect(progress.at(-1)).toEqual({ kind: 'withdrawals_csv', done: live.length, total: live.length });
    } finally {
      await away.stop();
    }
  }, 120_000);
});
