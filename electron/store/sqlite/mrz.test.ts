// R11 in the case store (store migration 13): an MRZ reading is kept with the passport page, compared with the
// entered identity whenever the rules run, and the case's flags are stored anew; the case detail carries the
// comparison for the case view.
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

  it('refuses a reading that is not one, storing nothing', async () => {
    t = await tempStore(20, 3);
    const sha256 = t.store.passportPagesLackingMrz()[0]!;
    await expect(t.store.recordMrzReadings([{ sha256, reading: { status: 'read' } as unknown as MrzReading }])).rejects.toMatchObject({ code: 'invalid_mrz_reading' });
    expect(t.store.passportPagesLackingMrz()).toContain(sha256);
  });
});
