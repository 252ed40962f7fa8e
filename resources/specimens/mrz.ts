// The machine-readable zone of a specimen passport's data page (ICAO 9303 part 4, TD3: two lines of 44), made from
// the entered data with valid check digits, so the MRZ reader (R11) has something true to read. A number longer
// than nine characters (the demo's deliberately invalid ones) cannot fit: its first nine are encoded, and the MRZ
// then disagrees with the entered number, as it would on a forged page.
import { inChineseScript, pinyinName } from '../../electron/common/pinyin';

/** ISO 3166-1 alpha-3 as ICAO writes it, for the locations the demo issues documents in. */
const icaoCodes: Record<string, string> = { CN: 'CHN', HK: 'CHN', MO: 'CHN', TW: 'TWN', SG: 'SGP', DE: 'D<<', FR: 'FRA', IT: 'ITA', GB: 'GBR', US: 'USA', JP: 'JPN', KR: 'KOR' };

export function icaoCode(location: string): string {
  return icaoCodes[location] ?? location.toUpperCase().padEnd(3, '<').slice(0, 3);
}

const weights = [7, 3, 1];

/** ICAO 9303 check digit: digits as themselves, A–Z as 10–35, '<' as 0, weighted 7-3-1, modulo 10. */
export function checkDigit(field: string): string {
  let sum = 0;
  for (let i = 0; i < field.length; i++) {
    const c = field[i] as string;
    const value = c === '<' ? 0 : /[0-9]/.test(c) ? Number(c) : c.charCodeAt(0) - 55;
    sum += value * (weights[i % 3] as number);
  }
  return String(sum % 10);
}

/** Upper-case A–Z and '<' only (spaces, hyphens and apostrophes become '<'). */
function mrzText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '<');
}

/**
 * Surname and given names as the demo writes them: a name in characters "张伟" in pinyin (ZHANG / WEI, as a PRC
 * passport's MRZ spells it), a Chinese name "ZHANG Wei" (surname first, in capitals), any other "Anna Keller"
 * (surname last).
 */
export function splitName(fullName: string): { surname: string; given: string } {
  if (inChineseScript(fullName)) return pinyinName(fullName);
  const words = fullName.trim().split(/\s+/);
  if (words.length === 1) return { surname: words[0] ?? '', given: '' };
  const first = words[0] ?? '';
  if (first === first.toUpperCase()) return { surname: first, given: words.slice(1).join(' ') };
  return { surname: words.at(-1) ?? '', given: words.slice(0, -1).join(' ') };
}

/** YYMMDD of an ISO date. */
const yymmdd = (date: string) => date.replace(/-/g, '').slice(2, 8);

export interface MrzInput {
  fullName: string;
  documentNumber: string;
  issuingLocation: string;
  /** YYYY-MM-DD */
  birthDate: string;
  expiryDate: string;
  /** X (unspecified) is written '<'. */
  sex: 'M' | 'F' | 'X' | '<';
  /** The holder's nationality (a location code); the issuing state's when absent. */
  nationality?: string;
}

/** The two TD3 lines of a passport data page. */
export function passportMrz(p: MrzInput): [string, string] {
  const state = icaoCode(p.issuingLocation);
  const { surname, given } = splitName(p.fullName);
  const name = `${mrzText(surname)}<<${mrzText(given)}`.replace(/<+$/, '');
  const line1 = `P<${state}${name}`.padEnd(44, '<').slice(0, 44);
  const number = mrzText(p.documentNumber).replace(/</g, '').padEnd(9, '<').slice(0, 9);
  const birth = yymmdd(p.birthDate);
  const expiry = yymmdd(p.expiryDate);
  const personal = '<'.repeat(14);
  const parts = [number + checkDigit(number), birth + checkDigit(birth), expiry + checkDigit(expiry), personal + checkDigit(personal)];
  const nationality = icaoCode(p.nationality ?? p.issuingLocation);
  const sex = p.sex === 'X' ? '<' : p.sex;
  const line2 = `${parts[0]}${nationality}${parts[1]}${sex}${parts[2]}${parts[3]}${checkDigit((parts as string[]).join(''))}`;
  return [line1, line2];
}
