// The demo's specimen passports carry a machine-readable zone that a reader accepts and that says what the
// application says (ICAO 9303 TD3, checked by the mrz package), printed on the page as made.
import { parse } from 'mrz';
import { describe, expect, it } from 'vitest';
import { sexOf, specimenSvg, type PersonSpecimen } from '../../resources/specimens/draw';
import { checkDigit, passportMrz } from '../../resources/specimens/mrz';

const passports: PersonSpecimen[] = [
  // As the demo makes them (server/demo.ts): a Chinese name surname first, an E-number of nine characters.
  { kind: 'passport', side: 'front', fullName: 'ZHANG Xiu Ying', documentNumber: 'E12345678', issuingLocation: 'CN', birthDate: '1987-04-09', expiryDate: '2033-06-30' },
  { kind: 'passport', side: 'front', fullName: 'Anna Keller', documentNumber: 'C01X00T47', issuingLocation: 'DE', birthDate: '1985-03-12', expiryDate: '2031-02-01' },
  { kind: 'passport', side: 'front', fullName: 'Noah Fischer', documentNumber: 'K7654321', issuingLocation: 'SG', birthDate: '2001-12-31', expiryDate: '2029-01-15' },
];

describe('specimen passport MRZ', () => {
  it('computes ICAO check digits (the 9303 part 3 example)', () => {
    expect(checkDigit('L898902C3')).toBe('6');
    expect(checkDigit('740812')).toBe('2');
    expect(checkDigit('120415')).toBe('9');
  });

  it.each(passports)('is valid and matches the entered data: $fullName', (p) => {
    const sex = sexOf(p);
    const lines = passportMrz({ ...p, sex });
    const result = parse(lines);
    expect(result.valid, JSON.stringify(result.details.filter((d) => !d.valid))).toBe(true);
    const surname = p.fullName.startsWith('ZHANG') ? 'ZHANG' : (p.fullName.split(' ').at(-1) as string).toUpperCase();
    const given = p.fullName.startsWith('ZHANG') ? 'XIU YING' : (p.fullName.split(' ')[0] as string).toUpperCase();
    expect(result.fields).toMatchObject({
      documentCode: 'P',
      documentNumber: p.documentNumber,
      birthDate: p.birthDate.replace(/-/g, '').slice(2),
      expirationDate: p.expiryDate.replace(/-/g, '').slice(2),
      lastName: surname,
      firstName: given,
      sex: sex === 'F' ? 'female' : 'male',
    });
    // The page prints exactly these two lines (SVG-escaped).
    const svg = specimenSvg(p);
    const drawn = [...svg.matchAll(/<text[^>]*>([A-Z0-9&;lt]{44,})<\/text>/g)].map((m) => (m[1] as string).replaceAll('&lt;', '<'));
    expect(drawn).toHaveLength(2);
    expect(parse(drawn).valid).toBe(true);
    expect(drawn).toEqual(lines);
  });
});
