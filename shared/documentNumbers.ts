// R9's number checks as pure functions: which format a document or registration number is in, and whether it passes
// that format's check. "unchecked" means the format has no check we know (another country's, a legacy form): the rule
// says so and does not block. Each result carries the numbers that explain it (expected vs found check character).

/** The formats R9 recognises. */
export const numberFormats = [
  'prc_resident_id', // 居民身份证, GB 11643: 6-digit region, 8-digit birth date, 3-digit sequence, MOD 11-2 check
  'prc_resident_id_legacy', // the 15-digit first-generation card: YYMMDD birth date, no check character
  'hmt_residence_permit', // 港澳台居民居住证: the same 18-character layout, region 810000 / 820000 / 830000
  'foreign_permanent_residence', // 外国人永久居留身份证 (2023): starts with 9, same 18-character check
  'foreign_permanent_residence_legacy', // the 15-character card before 2023: 3 letters + 12 digits, no published check
  'uscc', // 统一社会信用代码, GB 32100: 18 characters of its 31-character alphabet, weighted MOD 31 check
  'passport', // ICAO 9303 document number: A–Z and 0–9, at most 9 characters in the MRZ
  'unknown',
] as const;
export type NumberFormat = (typeof numberFormats)[number];

export type NumberProblem =
  | 'length' // not the format's length
  | 'charset' // a character outside the format's alphabet
  | 'check_character' // the check character does not match: see expected / found
  | 'birth_date' // the embedded birth date is not a calendar date
  | 'birth_date_future' // the embedded birth date is after the reference day
  | 'region'; // the region code's province prefix is not a known one

export type NumberCheck =
  | { status: 'valid'; format: NumberFormat; birthDate?: string }
  | { status: 'invalid'; format: NumberFormat; problem: NumberProblem; expected?: string; found?: string; birthDate?: string }
  | { status: 'unchecked'; format: NumberFormat; birthDate?: string };

/** GB/T 2260 province-level prefixes of mainland resident ID numbers (71 Taiwan, 81 Hong Kong, 82 Macao as listed there). */
export const provincePrefixes: ReadonlySet<string> = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82',
]);
/** The region codes of the Hong Kong, Macao and Taiwan residents' residence permits (2018). */
const hmtPermitRegions = new Set(['810000', '820000', '830000']);

const MOD11_WEIGHTS = Array.from({ length: 17 }, (_, i) => 2 ** (17 - i) % 11);
const MOD11_CHECK = '10X98765432';

/** ISO 7064 MOD 11-2 check character of the first 17 digits of an 18-character ID number. */
export function mod11_2CheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (MOD11_WEIGHTS[i] ?? 0);
  return MOD11_CHECK[sum % 11] as string;
}

/** An 18-character ID number from its first 17 digits (demo data and tests build valid numbers with it). */
export function withMod11_2Check(first17: string): string {
  return first17 + mod11_2CheckCharacter(first17);
}

/** GB 32100's alphabet: digits and upper-case letters without I, O, Z, S, V. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100 check character of the first 17 characters of a Unified Social Credit Code. */
export function usccCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_ALPHABET.indexOf(first17[i] as string) * (USCC_WEIGHTS[i] ?? 0);
  return USCC_ALPHABET[(31 - (sum % 31)) % 31] as string;
}

/** A USCC from its first 17 characters. */
export function withUsccCheck(first17: string): string {
  return first17 + usccCheckCharacter(first17);
}

/** Spaces and hyphens people type between groups are not part of the number; letters compare upper-case. */
export function normaliseNumber(n: string): string {
  return n.replace(/[\s-]/g, '').toUpperCase();
}

function isCalendarDate(y: number, m: number, d: number): boolean {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** YYYYMMDD → YYYY-MM-DD when it is a calendar date, else null. */
function birthDateOf(yyyymmdd: string): string | null {
  const y = Number(yyyymmdd.slice(0, 4));
  const m = Number(yyyymmdd.slice(4, 6));
  const d = Number(yyyymmdd.slice(6, 8));
  if (!isCalendarDate(y, m, d) || y < 1870) return null;
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/**
 * The 18-character GB 11643 layout shared by the resident ID card, the HMT residence permit and the foreigners'
 * permanent residence ID card (2023). `today` (YYYY-MM-DD) is the day a birth date may not be after.
 */
function check18(n: string, today: string): NumberCheck {
  const format: NumberFormat = n.startsWith('9') ? 'foreign_permanent_residence' : hmtPermitRegions.has(n.slice(0, 6)) ? 'hmt_residence_permit' : 'prc_resident_id';
  if (!/^[0-9]{17}[0-9X]$/.test(n)) return { status: 'invalid', format, problem: 'charset' };
  const birthDate = birthDateOf(n.slice(6, 14));
  // The permanent residence card's digits 2–3 are the issuing province; the others' 1–2 are the region's province.
  const province = format === 'foreign_permanent_residence' ? n.slice(1, 3) : n.slice(0, 2);
  const knownRegion = format === 'hmt_residence_permit' || (provincePrefixes.has(province) && (format !== 'foreign_permanent_residence' || Number(province) <= 65));
  if (!knownRegion) {
    return { status: 'invalid', format, problem: 'region', found: province };
  }
  if (birthDate === null) return { status: 'invalid', format, problem: 'birth_date', found: n.slice(6, 14) };
  if (birthDate > today) return { status: 'invalid', format, problem: 'birth_date_future', found: birthDate, birthDate };
  const expected = mod11_2CheckCharacter(n.slice(0, 17));
  const found = n[17] as string;
  if (expected !== found) return { status: 'invalid', format, problem: 'check_character', expected, found, birthDate };
  return { status: 'valid', format, birthDate };
}

/** The 15-digit first-generation card: reported as legacy (no check character), its region and birth date checked. */
function checkLegacy15(n: string, today: string): NumberCheck {
  const format: NumberFormat = 'prc_resident_id_legacy';
  if (!provincePrefixes.has(n.slice(0, 2))) return { status: 'invalid', format, problem: 'region', found: n.slice(0, 2) };
  const birthDate = birthDateOf(`19${n.slice(6, 12)}`);
  if (birthDate === null) return { status: 'invalid', format, problem: 'birth_date', found: n.slice(6, 12) };
  if (birthDate > today) return { status: 'invalid', format, problem: 'birth_date_future', found: birthDate, birthDate };
  return { status: 'unchecked', format, birthDate };
}

/**
 * A mainland-issued identity card number (resident ID, HMT residence permit, foreigners' permanent residence card).
 * `today` is YYYY-MM-DD: the embedded birth date may not be after it.
 */
export function checkChineseIdNumber(raw: string, today: string): NumberCheck {
  const n = normaliseNumber(raw);
  if (/^[A-Z]{3}[0-9]{12}$/.test(n)) return { status: 'unchecked', format: 'foreign_permanent_residence_legacy' };
  if (/^[0-9]{15}$/.test(n)) return checkLegacy15(n, today);
  const format: NumberFormat = n.startsWith('9') ? 'foreign_permanent_residence' : 'prc_resident_id';
  if (n.length !== 18) return { status: 'invalid', format, problem: 'length', expected: '18', found: String(n.length) };
  return check18(n, today);
}

/** A Unified Social Credit Code (GB 32100). */
export function checkUscc(raw: string): NumberCheck {
  const n = normaliseNumber(raw);
  const format: NumberFormat = 'uscc';
  if (n.length !== 18) return { status: 'invalid', format, problem: 'length', expected: '18', found: String(n.length) };
  const outside = [...n].find((c) => !USCC_ALPHABET.includes(c));
  if (outside !== undefined) return { status: 'invalid', format, problem: 'charset', found: outside };
  // Position 3–8 is the administrative region code: digits only.
  if (!/^[0-9]{6}$/.test(n.slice(2, 8))) return { status: 'invalid', format, problem: 'region', found: n.slice(2, 8) };
  const expected = usccCheckCharacter(n.slice(0, 17));
  const found = n[17] as string;
  if (expected !== found) return { status: 'invalid', format, problem: 'check_character', expected, found };
  return { status: 'valid', format };
}

/** ICAO 9303's document number field: 9 characters of A–Z and 0–9 (its check digit is read from the MRZ, R11). */
export const PASSPORT_NUMBER_MAX = 9;

/** A passport number against ICAO 9303's character set and length. */
export function checkPassportNumber(raw: string): NumberCheck {
  const n = normaliseNumber(raw);
  const format: NumberFormat = 'passport';
  const outside = [...n].find((c) => !/[A-Z0-9]/.test(c));
  if (outside !== undefined) return { status: 'invalid', format, problem: 'charset', found: outside };
  // ICAO 9303 sets only the field's size; a TD3 passport has no overflow, so longer numbers are not a passport's.
  if (n.length === 0 || n.length > PASSPORT_NUMBER_MAX) {
    return { status: 'invalid', format, problem: 'length', expected: `1–${PASSPORT_NUMBER_MAX}`, found: String(n.length) };
  }
  return { status: 'valid', format };
}

/**
 * Which check a document applies: mainland-issued ID cards (incl. the permits above) by GB 11643, passports by ICAO
 * 9303; other documents (driver's licences, work permits, other places' ID cards) cannot be checked here.
 */
export function checkIdentityDocument(documentType: string, issuingLocation: string, number: string, today: string): NumberCheck {
  if (documentType === 'id_card' && issuingLocation === 'CN') return checkChineseIdNumber(number, today);
  if (documentType === 'passport') return checkPassportNumber(number);
  return { status: 'unchecked', format: 'unknown' };
}

/** An enterprise registered in the mainland carries a USCC; elsewhere the registration number's format is not known here. */
export function checkBusinessRegistration(registrationLocation: string, number: string): NumberCheck {
  if (registrationLocation !== 'CN') return { status: 'unchecked', format: 'unknown' };
  return checkUscc(number);
}
