// R11: the MRZ as read compared with the entered data, field by field, names across scripts through pinyin; and the
// flags that comparison raises (a mismatch blocks, overridable with a note; an unreadable zone never blocks).
import { describe, expect, it } from 'vitest';
import type { IndividualIdentity } from '../../shared/domain';
import { compareMrz } from './mrzCheck';
import type { MrzFieldName, MrzReading } from '../../shared/mrzReading';
import { ruleR11 } from '../../shared/mrzRule';
import { approvalBlockers } from '../../shared/rules';

const identity = (over: Partial<IndividualIdentity> = {}): IndividualIdentity => ({
  kind: 'individual',
  fullName: '张伟',
  documentType: 'passport',
  documentNumber: 'E12345678',
  issuingLocation: 'CN',
  dateOfBirth: '1990-01-15',
  expiryDate: '2032-06-14',
  sex: 'M',
  nationality: 'CN',
  ...over,
});

const reading = (values: Partial<Record<MrzFieldName, string | null>> = {}): MrzReading => {
  const base: Record<MrzFieldName, string | null> = { surname: 'ZHANG', givenNames: 'WEI', documentNumber: 'E12345678', nationality: 'CHN', birthDate: '900115', sex: 'M', expiryDate: '320614', issuingState: 'CHN', ...values };
  const fields = Object.fromEntries(Object.entries(base).map(([k, value]) => [k, { value, raw: value ?? '', checked: ['documentNumber', 'birthDate', 'expiryDate'].includes(k) }]));
  return { status: 'read', band: { x: 0.05, y: 0.85, width: 0.9, height: 0.1 }, lines: [], fields: fields as MrzReading['fields'], valid: true, ms: 800 };
};

const states = (id: IndividualIdentity, r: MrzReading) => Object.fromEntries(compareMrz(id, r, 0).fields.map((f) => [f.field, f.state]));

describe('comparing the MRZ with the entered data', () => {
  it('matches a Chinese name through its pinyin, and says so', () => {
    expect(states(identity(), reading())).toEqual({
      surname: 'match_via_pinyin',
      givenNames: 'match_via_pinyin',
      documentNumber: 'match',
      nationality: 'match',
      birthDate: 'match',
      sex: 'match',
      expiryDate: 'match',
    });
  });

  it('compares the entered sex and nationality, not the issuing location, with the zone', () => {
    // A Singapore-issued document of a Chinese national: the MRZ's CHN is the nationality entered.
    const national = compareMrz(identity({ issuingLocation: 'SG', nationality: 'CN' }), reading(), 0).fields.find((f) => f.field === 'nationality');
    expect(national).toEqual({ field: 'nationality', entered: 'CHN', read: 'CHN', state: 'match' });
    const other = compareMrz(identity({ nationality: 'SG', sex: 'F' }), reading(), 0);
    expect(other.fields.filter((f) => f.state === 'mismatch').map((f) => [f.field, f.entered, f.read])).toEqual([
      ['nationality', 'SGP', 'CHN'],
      ['sex', 'F', 'M'],
    ]);
    expect(states(identity({ sex: 'X' }), reading({ sex: 'X' })).sex).toBe('match');
    // Older applications carry neither; a code with no known ICAO form is not compared.
    const older = states(identity({ sex: undefined, nationality: undefined }), reading());
    expect([older.sex, older.nationality]).toEqual(['not_entered', 'not_entered']);
    expect(states(identity({ nationality: 'XK' }), reading()).nationality).toBe('not_entered');
  });

  it.each([
    ['欧阳娜娜', 'OUYANG', 'NANA'],
    ['吕小明', 'LV', 'XIAOMING'],
    ['单田芳', 'SHAN', 'TIANFANG'],
  ])('%s → %s %s (two-character surnames, ü as V, surname readings)', (fullName, surname, givenNames) => {
    const s = states(identity({ fullName }), reading({ surname, givenNames }));
    expect([s.surname, s.givenNames]).toEqual(['match_via_pinyin', 'match_via_pinyin']);
  });

  it.each([
    ['Anna Maria Eriksson', 'match', 'match'],
    ['ERIKSSON Anna Maria', 'match', 'match'],
    ['Anna Eriksson', 'match', 'mismatch'],
    ['Anna Maria Erikson', 'mismatch', 'match'],
    ['Zoë-Anna Maria Eriksson', 'match', 'mismatch'],
  ])('Latin name %s against ERIKSSON / ANNA MARIA', (fullName, surname, givenNames) => {
    const s = states(identity({ fullName, issuingLocation: 'SE' }), reading({ surname: 'ERIKSSON', givenNames: 'ANNA MARIA', nationality: 'SWE' }));
    expect([s.surname, s.givenNames]).toEqual([surname, givenNames]);
  });

  it('says mismatch for a number, a date or a nationality that differ, and tells what was entered and read', () => {
    const r = compareMrz(identity({ documentNumber: 'e 1234-5679', dateOfBirth: '1990-01-16', issuingLocation: 'HK', nationality: 'HK' }), reading({ expiryDate: '320615' }), 1);
    const byField = Object.fromEntries(r.fields.map((f) => [f.field, f]));
    expect(byField.documentNumber).toEqual({ field: 'documentNumber', entered: 'E12345679', read: 'E12345678', state: 'mismatch' });
    expect(byField.birthDate!.state).toBe('mismatch');
    expect(byField.expiryDate!.state).toBe('mismatch');
    // A Hong Kong SAR passport's nationality is CHN.
    expect(byField.nationality!.state).toBe('match');
    expect(r.image).toBe(1);
  });

  it('says unreadable for a field that failed its check digit, and not_entered where nothing was entered', () => {
    const s = states(identity({ dateOfBirth: undefined, expiryDate: undefined }), reading({ documentNumber: null, expiryDate: null }));
    expect([s.documentNumber, s.birthDate, s.expiryDate]).toEqual(['unreadable', 'not_entered', 'unreadable']);
  });

  it('says unreadable for every field when no zone was read', () => {
    const none: MrzReading = { status: 'not_found', band: null, lines: [], fields: null, valid: false, ms: 500 };
    expect(new Set(Object.values(states(identity(), none)))).toEqual(new Set(['unreadable']));
  });
});

describe('R11 flags', () => {
  it('blocks approval on a mismatch, overridable with a note, naming the fields', () => {
    const flags = ruleR11(compareMrz(identity({ dateOfBirth: '1991-01-15' }), reading(), 0));
    expect(flags).toEqual([{ rule: 'R11', severity: 'blocking', reason: 'mrz_mismatch', overridable: true, facts: { image: 1, fields: 'birthDate' } }]);
    expect(approvalBlockers(flags, null)).toHaveLength(1);
    expect(approvalBlockers(flags, 'Checked against the photo: the MRZ was misread.')).toEqual([]);
  });

  it('never blocks for a zone not found or not readable, or fields that failed their check digits', () => {
    const notFound = ruleR11(compareMrz(identity(), { status: 'not_found', band: null, lines: [], fields: null, valid: false, ms: 1 }, 0));
    expect(notFound).toEqual([{ rule: 'R11', severity: 'info', reason: 'mrz_not_found', overridable: false, facts: { image: 1 } }]);
    const partly = ruleR11(compareMrz(identity(), reading({ birthDate: null }), 0));
    expect(partly).toEqual([{ rule: 'R11', severity: 'info', reason: 'mrz_fields_unreadable', overridable: false, facts: { image: 1, fields: 'birthDate' } }]);
  });

  it('raises nothing when every field matches, and nothing without a reading', () => {
    expect(ruleR11(compareMrz(identity(), reading(), 0))).toEqual([]);
    expect(ruleR11(null)).toEqual([]);
  });
});
