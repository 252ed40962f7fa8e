// R11 in the case store (store migration 13): an MRZ reading is kept with the passport page, compared with the
// entered identity whenever the rules run, and the case's flags are stored anew; the case detail carries the
// comparison for the case view. Store migration 16 stores anew the R11 flags of open cases an older rule judged.
import { afterEach, describe, expect, it } from 'vitest';
import type { Application, IndividualIdentity } from '../../../shared/domain';
import type { MrzReading } from '../../../shared/mrzReading';
import { tempStore, type TempStore } from '../../../tests/support/store';

let t: TempStore | null = null;
afterEach(() => t?.cleanup());

const mrzDate = (date: string): string => date.slice(2).replace(/-/g, '');

function readingFor(identity: IndividualIdentity, over: Partial<Record<string, string>> = {}): MrzReading {
  const values: Record<string, string> = {
    surname: 'ZHANG',
    givenNames: 'WEI',
    documentNumber: identity.documentNumber,
    nationality: 'CHN',
    birthDate: identity.dateOfBirth ? mrzDate(identity.dateOfBirth) : '900101',
    sex: 'F',
    expiryDate: identity.expiryDate ? mrzDate(identity.expiryDate) : '300101',
    issuingState: 'CHN',
    ...over,
  };
  const fields = Object.fromEntries(Object.entries(values).map(([k, value]) => [k, { value, raw: value, checked: false }]));
  return { status: 'read', band: { x: 0.05, y: 0.85, width: 0.9, height: 0.1 }, lines: [], fields: fields as MrzReading['fields'], valid: true, ms: 900 };
}

describe('MRZ readings in the store (R11)', () => {
  it('lists open passport pages unread, stores a reading, flags a mismatch and shows the comparison', async () => {
    t = await tempStore(120, 3);
    const lacking = t.store.passportPagesLackingMrz();
    expect(lacking.length).toBeGreaterThan(0);
    const sha256 = lacking[0]!;
    const { application_id: applicationId } = t.db.prepare("SELECT application_id FROM documents WHERE sha256 = ? AND role = 'page'").get(sha256) as { application_id: string };
    const application = (await t.store.getCase(applicationId)).application as Application;
    const identity = application.identity as IndividualIdentity;
    expect(identity.documentType).toBe('passport');

    // A reading whose document number differs from the entered one.
    const updated = await t.store.recordMrzReadings([{ sha256, reading: readingFor(identity, { documentNumber: 'X00000000' }) }]);
    expect(updated).toContain(applicationId);
    expect(t.store.passportPagesLackingMrz()).not.toContain(sha256);

    const detail = await t.store.getCase(applicationId);
    expect(detail.flags).toContainEqual(expect.objectContaining({ rule: 'R11', severity: 'blocking', reason: 'mrz_mismatch', overridable: true }));
    expect(detail.mrz?.fields.find((f) => f.field === 'documentNumber')).toMatchObject({ state: 'mismatch', read: 'X00000000' });
    expect(detail.mrz?.band).toEqual({ x: 0.05, y: 0.85, width: 0.9, height: 0.1 });
    // Stored with the flags: the queue's flag filter sees it.
    expect(t.db.prepare("SELECT count(*) FROM flags WHERE application_id = ? AND rule = 'R11'").pluck().get(applicationId)).toBe(1);
  });

  it('stores anew, once, the R11 flags of open cases stored before nationality and sex were compared (store migration 16)', async () => {
    t = await tempStore(120, 3);
    const sha256 = t.store.passportPagesLackingMrz()[0]!;
    const { application_id: open } = t.db.prepare("SELECT application_id FROM documents WHERE sha256 = ? AND role = 'page'").get(sha256) as { application_id: string };
    const identity = (await t.store.getCase(open)).application.identity as IndividualIdentity;
    await t.store.recordMrzReadings([{ sha256, reading: readingFor(identity) }]);
    const r11 = (id: string) => t!.db.prepare("SELECT rule, severity, reason, facts FROM flags WHERE application_id = ? AND rule = 'R11' ORDER BY position").all(id);
    const now = r11(open);
    // A decided case with a reading keeps the flags it was decided on.
    const decided = t.db.prepare("SELECT d.application_id FROM documents d JOIN applications a ON a.id = d.application_id WHERE a.open = 0 AND d.role = 'page' LIMIT 1").pluck().get() as string;
    expect(decided).toMatch(/./);
    t.db.prepare("UPDATE documents SET mrz = (SELECT mrz FROM documents WHERE sha256 = ? AND role = 'page') WHERE application_id = ? AND role = 'page'").run(sha256, decided);

    // The store as the older rule left it: R11 flagged the nationality against the issuing location.
    const oldFlag = `INSERT INTO flags (application_id, position, rule, severity, reason, overridable, facts, first_of_rule, open, due_at, submitted_at)
      SELECT id, 99, 'R11', 'blocking', 'mrz_mismatch', 1, '{"image":0,"fields":"nationality"}', 1, open, due_at, submitted_at FROM applications WHERE id = ?`;
    t.db.prepare("DELETE FROM flags WHERE application_id = ? AND rule = 'R11'").run(open);
    t.db.prepare(oldFlag).run(open);
    t.db.prepare(oldFlag).run(decided);
    const decidedFlags = r11(decided);
    t.db.pragma('user_version = 15');

    t.reopen();
    expect(r11(open)).toEqual(now);
    expect(r11(decided)).toEqual(decidedFlags);
    expect(t.db.prepare('SELECT count(*) FROM applications WHERE flags_stale = 1').pluck().get()).toBe(0);
  });

  it('refuses a reading that is not one, storing nothing', async () => {
    t = await tempStore(20, 3);
    const sha256 = t.store.passportPagesLackingMrz()[0]!;
    await expect(t.store.recordMrzReadings([{ sha256, reading: { status: 'read' } as unknown as MrzReading }])).rejects.toMatchObject({ code: 'invalid_mrz_reading' });
    expect(t.store.passportPagesLackingMrz()).toContain(sha256);
  });
});
