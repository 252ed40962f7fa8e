// Exports through the browser host, on a real workstation: the filtered decision log as CSV, every matching decision
// (past the first pages), downloaded once as an attachment, recorded in the audit trail with its filter and row
// count; refused to a reviewer, to another person, without the token, and after a lock.
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PreparedExport } from '../../shared/contract/exports';
import type { DecisionLogEntry } from '../../shared/contract/supervision';
import { openWorkstation, type Workstation } from '../api/workstation';
import { ExplicitKeyProvider } from '../common/keys';
import { tempFolder } from '../../tests/support/tempFolder';
import { openInspection } from '../../tests/support/store';
import { startHost, type RunningHost } from './server';

const token = 'exports-token-'.padEnd(32, 'e');
const keyProvider = new ExplicitKeyProvider(Buffer.alloc(32, 7));
const hostile = '=HYPERLINK("http://x","y")';
const base = Date.parse('2026-10-01T00:00:00.000Z');

/** 2,600 decisions by three reviewers, ten minutes apart; every 97th applicant has a hostile name. */
const decisions: DecisionLogEntry[] = Array.from({ length: 2600 }, (_, i) => ({
  id: `0190${String(i).padStart(8, '0')}-0000-7000-8000-000000000000`.slice(0, 36),
  applicationId: `VA01${String(i).padStart(8, '0')}`,
  kind: 'individual',
  applicantName: i % 97 === 0 ? hostile : `Applicant, "${i}"\n张伟`,
  reviewer: `reviewer${3 + (i % 3)}`,
  outcome: i % 2 === 0 ? 'approve' : 'reject',
  reasonCodes: i % 2 === 0 ? [] : ['name_mismatch'],
  overriddenRules: [],
  overrideNote: null,
  flags: [],
  decidedAt: new Date(base + i * 600_000).toISOString(),
  appliedAt: new Date(base + i * 600_000 + 1000).toISOString(),
  offline: false,
  deviceId: 'device-a',
  openedAt: null,
  dueAt: null,
  handlingMs: null,
  withinDeadline: null,
  effect: 'in_effect',
  reviews: [],
}));

describe('exporting the decision log through the browser host', () => {
  let dir: string;
  let workstation: Workstation;
  let host: RunningHost;
  const call = async (channel: string, body: unknown) => {
    const res = await fetch(`${host.url}api/${channel}`, { method: 'POST', headers: { Authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    return (await res.json()) as { ok: true; value: unknown } | { ok: false; error: { code: string } };
  };
  const prepare = async (filter: object) => {
    const answer = await call('decisions.exportCsv', { filter, language: 'en' });
    if (!answer.ok) throw new Error(answer.error.code);
    return answer.value as PreparedExport;
  };
  const download = (exportId: string, auth = true) => fetch(`${host.url}exports/${exportId}`, { headers: auth ? { Authorization: `Bearer ${token}` } : {} });
  const exportEntries = () => {
    const db = openInspection(join(dir, 'cases.db'), keyProvider);
    try {
      return db.prepare(`SELECT actor_id, application_id, details FROM audit_log WHERE action = 'export_saved' ORDER BY seq`).all() as { actor_id: string; application_id: null; details: string }[];
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    dir = tempFolder('verity-exports-');
    workstation = await openWorkstation({ dataDir: dir, host: 'browser', version: 't', keyProvider, demo: { count: 1 } });
    host = await startHost({ workstation, rendererDir: dir, clientScript: join(dir, 'none.js'), token });
    await workstation.store.storeDecisionLog(decisions, '2026-11-01T00:00:00.000Z');
    await call('session.signIn', { username: 'supervisor1', password: 'verity-demo' });
  }, 120_000);
  afterAll(async () => {
    await host?.close();
    await workstation?.close();
  });

  it('downloads exactly the filtered decisions, all of them, once, and records it', async () => {
    const filter = { reviewer: 'reviewer4', outcome: 'reject' };
    const expected = decisions
      .filter((d) => d.reviewer === 'reviewer4' && d.outcome === 'reject')
      .sort((a, b) => b.decidedAt.localeCompare(a.decidedAt))
      .map((d) => d.id);
    expect(expected.length).toBeGreaterThan(400);
    // More than one batch: the filter unset exports all 2,600 (the view loads 50 at a time).
    const prepared = await prepare(filter);
    expect(prepared).toMatchObject({ kind: 'decisions_csv', rows: expected.length, contentType: 'text/csv; charset=utf-8' });
    expect(prepared.fileName).toMatch(/^verity-decisions-\d{8}-\d{4}\.csv$/);
    expect(exportEntries()).toEqual([]); // made, not yet handed over

    const res = await download(prepared.exportId);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${prepared.fileName}"`);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.length).toBe(prepared.bytes);
    const [header, ...rows] = parse(bytes, { bom: true }) as string[][];
    const id = header!.indexOf('Decision id');
    expect(rows.map((r) => r[id])).toEqual(expected);
    const applicant = header!.indexOf('Applicant');
    expect(rows.filter((r) => r[applicant] === `'${hostile}`).length).toBe(decisions.filter((d) => d.reviewer === 'reviewer4' && d.outcome === 'reject' && d.applicantName === hostile).length);
    expect(rows.every((r) => !/^[=+\-@\t\r]/.test(r[applicant]!))).toBe(true);

    // Once only; the audit entry names the person, the filter and the count, and the chain holds.
    expect((await download(prepared.exportId)).status).toBe(404);
    const entries = exportEntries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor_id: 'supervisor1', application_id: null });
    expect(JSON.parse(entries[0]!.details)).toEqual({
      kind: 'decisions_csv',
      fileName: prepared.fileName,
      rows: expected.length,
      bytes: prepared.bytes,
      filter: '{"outcome":"reject","reviewer":"reviewer4"}',
      language: 'en',
    });
    expect(await call('audit.verify', {})).toMatchObject({ ok: true, value: { ok: true } });

    const everything = await prepare({});
    expect(everything.rows).toBe(decisions.length);
  }, 60_000);

  it('refuses a download without the token, to another person, and after a lock; a reviewer cannot export', async () => {
    const prepared = await prepare({ reviewer: 'reviewer3' });
    expect((await download(prepared.exportId, false)).status).toBe(401);
    expect((await download('not an id')).status).toBe(400);
    await call('session.signIn', { username: 'reviewer1', password: 'verity-demo' });
    expect(await call('decisions.exportCsv', { filter: {}, language: 'en' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const other = await download(prepared.exportId);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ ok: false, error: { code: 'export_not_found' } });
    await call('session.signIn', { username: 'supervisor1', password: 'verity-demo' });
    const again = await prepare({ reviewer: 'reviewer3' });
    await call('session.lock', {});
    expect((await download(again.exportId)).status).toBe(401);
    await call('session.signIn', { username: 'supervisor1', password: 'verity-demo' });
    // The lock forgot it: it holds applicant data.
    expect((await download(again.exportId)).status).toBe(404);
  }, 60_000);
});
