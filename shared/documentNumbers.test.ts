import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkBusinessRegistration,
  checkChineseIdNumber,
  checkIdentityDocument,
  checkPassportNumber,
  checkUscc,
  mod11_2CheckCharacter,
  provincePrefixes,
  USCC_ALPHABET,
  usccCheckCharacter,
} from './documentNumbers';

const TODAY = '2026-12-05';

describe('PRC resident ID and the cards sharing its layout (GB 11643, ISO 7064 MOD 11-2)', () => {
  // The standard's own example (GB 11643-1999 annex), and numbers built by its rule.
  it.each([
    ['11010519491231002X', 'prc_resident_id', '1949-12-31'],
    ['110101199003074514', 'prc_resident_id', '1990-03-07'],
    ['440308199901010012', 'prc_resident_id', '1999-01-01'],
    ['1101 0519 4912 3100 2x', 'prc_resident_id', '1949-12-31'], // spaces and a lower-case x as typed
    ['810000199408230021', 'hmt_residence_permit', '1994-08-23'],
    ['820000200009090014', 'hmt_residence_permit', '2000-09-09'],
    ['830000198504300017', 'hmt_residence_permit', '1985-04-30'],
    ['931586198807020014', 'foreign_permanent_residence', '1988-07-02'],
  ])('%s is a valid %s born %s', (number, format, birthDate) => {
    expect(checkChineseIdNumber(number, TODAY)).toEqual({ status: 'valid', format, birthDate });
  });

  it.each([
    ['110101199003074513', { problem: 'check_character', expected: '4', found: '3' }],
    ['11010519491231002Y', { problem: 'charset' }],
    ['330106199001011234', { problem: 'check_character', expected: 'X', found: '4' }], // the old specimen's number
    ['110101199002304517', { problem: 'birth_date', found: '19900230' }],
    ['110101203001014517', { problem: 'birth_date_future', found: '2030-01-01' }],
    ['770101199003074517', { problem: 'region', found: '77' }],
    ['100101199003074512', { problem: 'region', found: '10' }],
    ['1101011990030745', { problem: 'length', expected: '18', found: '16' }],
    ['123', { problem: 'length', expected: '18', found: '3' }],
    ['981586198807020013', { problem: 'region', found: '81' }], // a permanent residence card is issued in a mainland province
  ])('%s fails: %o', (number, expected) => {
    expect(checkChineseIdNumber(number, TODAY)).toMatchObject({ status: 'invalid', ...expected });
  });

  it('reports the 15-digit first-generation card as legacy, its birth date still checked', () => {
    expect(checkChineseIdNumber('110105491231002', TODAY)).toEqual({ status: 'unchecked', format: 'prc_resident_id_legacy', birthDate: '1949-12-31' });
    expect(checkChineseIdNumber('110105491331002', TODAY)).toMatchObject({ status: 'invalid', format: 'prc_resident_id_legacy', problem: 'birth_date' });
  });

  it('recognises the foreigners\' permanent residence card before 2023 (3 letters, 12 digits) and says it cannot be checked', () => {
    expect(checkChineseIdNumber('USA310088051201', TODAY)).toEqual({ status: 'unchecked', format: 'foreign_permanent_residence_legacy' });
  });

  it('knows the 31 mainland provinces plus Taiwan, Hong Kong and Macao, and nothing else', () => {
    expect(provincePrefixes.size).toBe(34);
  });
});

/** Valid 18-character ID numbers: a known province, a real birth date not after TODAY, any sequence, its check. */
const validIdNumber = fc
  .tuple(fc.constantFrom(...provincePrefixes), fc.integer({ min: 0, max: 9999 }), fc.date({ min: new Date('1900-01-01'), max: new Date('2026-12-04'), noInvalidDate: true }), fc.integer({ min: 0, max: 999 }))
  .map(([province, area, born, seq]) => {
    const first17 = `${province}${String(area).padStart(4, '0')}${born.toISOString().slice(0, 10).replace(/-/g, '')}${String(seq).padStart(3, '0')}`;
    return first17 + mod11_2CheckCharacter(first17);
  });

/** Valid USCCs: 17 characters of the alphabet with a numeric region code, and their check character. */
const usccChar = fc.constantFrom(...USCC_ALPHABET);
const validUscc = fc
  .tuple(fc.array(usccChar, { minLength: 2, maxLength: 2 }), fc.stringMatching(/^[0-9]{6}$/), fc.array(usccChar, { minLength: 9, maxLength: 9 }))
  .map(([head, region, org]) => {
    const first17 = `${head.join('')}${region}${org.join('')}`;
    return first17 + usccCheckCharacter(first17);
  });

const replaceAt = (s: string, i: number, c: string) => s.slice(0, i) + c + s.slice(i + 1);
const swapAt = (s: string, i: number) => s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);

describe('properties: any single changed character or swapped adjacent pair is caught', () => {
  it('a generated ID number is valid', () => {
    fc.assert(
      fc.property(validIdNumber, (n) => {
        expect(checkChineseIdNumber(n, TODAY).status).toBe('valid');
      }),
    );
  });

  it('ID number: one changed digit (or check character) fails', () => {
    fc.assert(
      fc.property(validIdNumber, fc.integer({ min: 0, max: 17 }), fc.constantFrom(...'0123456789X'), (n, i, c) => {
        fc.pre(n[i] !== c);
        expect(checkChineseIdNumber(replaceAt(n, i, c), TODAY).status).toBe('invalid');
      }),
    );
  });

  it('ID number: swapping two different adjacent characters fails', () => {
    fc.assert(
      fc.property(validIdNumber, fc.integer({ min: 0, max: 16 }), (n, i) => {
        fc.pre(n[i] !== n[i + 1]);
        expect(checkChineseIdNumber(swapAt(n, i), TODAY).status).toBe('invalid');
      }),
    );
  });

  it('a generated USCC is valid', () => {
    fc.assert(
      fc.property(validUscc, (n) => {
        expect(checkUscc(n).status).toBe('valid');
      }),
    );
  });

  it('USCC: one changed character fails', () => {
    fc.assert(
      fc.property(validUscc, fc.integer({ min: 0, max: 17 }), usccChar, (n, i, c) => {
        fc.pre(n[i] !== c);
        expect(checkUscc(replaceAt(n, i, c)).status).toBe('invalid');
      }),
    );
  });

  it('USCC: swapping two different adjacent characters fails', () => {
    fc.assert(
      fc.property(validUscc, fc.integer({ min: 0, max: 16 }), (n, i) => {
        fc.pre(n[i] !== n[i + 1]);
        expect(checkUscc(swapAt(n, i)).status).toBe('invalid');
      }),
    );
  });
});

describe('Unified Social Credit Code (GB 32100)', () => {
  it.each(['91350100M000100Y43', '91110000600037341L', '91330106MA2AXXXX0X', '9135 0100 M000 100Y 43'])('%s is valid', (n) => {
    expect(checkUscc(n)).toEqual({ status: 'valid', format: 'uscc' });
  });

  it.each([
    ['91350100M000100Y44', { problem: 'check_character', expected: '3', found: '4' }],
    ['91350100M000100I43', { problem: 'charset', found: 'I' }], // I, O, Z, S, V are not in the alphabet
    ['91350100O000100Y43', { problem: 'charset', found: 'O' }],
    ['9135A100M000100Y43', { problem: 'region', found: '35A100' }],
    ['!!!', { problem: 'length', expected: '18', found: '3' }],
    ['91330106MA2AXXXX0', { problem: 'length' }],
  ])('%s fails: %o', (n, expected) => {
    expect(checkUscc(n)).toMatchObject({ status: 'invalid', format: 'uscc', ...expected });
  });
});

describe('passport numbers (ICAO 9303 document number field)', () => {
  it.each(['E12345678', 'EA1234567', 'C01X00T47', 'P1234567', 'k1234567'])('%s fits', (n) => {
    expect(checkPassportNumber(n)).toEqual({ status: 'valid', format: 'passport' });
  });

  it.each([
    ['E1234567890', { problem: 'length', found: '11' }],
    ['E1234/678', { problem: 'charset', found: '/' }],
    ['护照12345', { problem: 'charset', found: '护' }],
  ])('%s fails: %o', (n, expected) => {
    expect(checkPassportNumber(n)).toMatchObject({ status: 'invalid', format: 'passport', ...expected });
  });
});

describe('which check a document gets', () => {
  it('mainland ID cards and passports are checked; other documents and places are not', () => {
    expect(checkIdentityDocument('id_card', 'CN', '11010519491231002X', TODAY).status).toBe('valid');
    expect(checkIdentityDocument('passport', 'DE', 'C01X00T47', TODAY).status).toBe('valid');
    expect(checkIdentityDocument('id_card', 'HK', 'A123456(7)', TODAY)).toEqual({ status: 'unchecked', format: 'unknown' });
    expect(checkIdentityDocument('drivers_license', 'CN', '123', TODAY)).toEqual({ status: 'unchecked', format: 'unknown' });
    expect(checkBusinessRegistration('CN', '!!!').status).toBe('invalid');
    expect(checkBusinessRegistration('SG', '201912345K')).toEqual({ status: 'unchecked', format: 'unknown' });
  });
});
