// R11: the passport's machine-readable zone (as read on this workstation, shared/mrzReading.ts) compared with the
// data the applicant entered, field by field. A Chinese name is compared through its pinyin (electron/common/pinyin.ts,
// with the surname readings of 单, 曾, 解 …), the way a PRC passport writes it: 张伟 → ZHANG WEI, 吕小明 → LV XIAOMING.
// Runs where the case store runs (Node: shared/ stays free of the pinyin dictionary); the renderer gets the result.
import { inChineseScript, pinyinSyllables } from '../common/pinyin';
import type { IndividualIdentity } from '../../shared/domain';
import type { MrzComparison, MrzFieldCheck, MrzFieldState, MrzReading } from '../../shared/mrzReading';

/** ISO 3166 alpha-2 (and the regions the product knows) to the ICAO nationality codes their passports print. */
const nationalityCodes: Record<string, string> = {
  CN: 'CHN', HK: 'CHN', MO: 'CHN', TW: 'TWN', US: 'USA', GB: 'GBR', DE: 'D', FR: 'FRA', JP: 'JPN', KR: 'KOR', SG: 'SGP', MY: 'MYS',
  TH: 'THA', VN: 'VNM', PH: 'PHL', ID: 'IDN', IN: 'IND', AU: 'AUS', NZ: 'NZL', CA: 'CAN', IT: 'ITA', ES: 'ESP', NL: 'NLD', BE: 'BEL',
  CH: 'CHE', AT: 'AUT', SE: 'SWE', NO: 'NOR', DK: 'DNK', FI: 'FIN', IE: 'IRL', PT: 'PRT', PL: 'POL', RU: 'RUS', BR: 'BRA', MX: 'MEX',
  AR: 'ARG', ZA: 'ZAF', AE: 'ARE', SA: 'SAU', TR: 'TUR', IL: 'ISR', EG: 'EGY', NG: 'NGA', KE: 'KEN', PK: 'PAK', BD: 'BGD', LK: 'LKA',
  NP: 'NPL', MN: 'MNG', KZ: 'KAZ', UA: 'UKR', GR: 'GRC', CZ: 'CZE', HU: 'HUN', RO: 'ROU',
};

/** Upper-case Latin letters only, words split: "Zoë O'Brien-Smith" → ["ZOE", "O", "BRIEN", "SMITH"]. */
function latinWords(text: string): string[] {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .split(/[^A-Z]+/)
    .filter(Boolean);
}

const same = (a: readonly string[], b: readonly string[]): boolean => a.join('') === b.join('');

function compareNames(fullName: string, surname: string | null, givenNames: string | null): [MrzFieldState, MrzFieldState] {
  if (surname === null || givenNames === null) return ['unreadable', 'unreadable'];
  const readSurname = latinWords(surname);
  const readGiven = latinWords(givenNames);
  if (inChineseScript(fullName)) {
    const syllables = pinyinSyllables(fullName);
    // One- or two-character surnames (欧阳, 司马); the given name is the rest, written as one word.
    for (const length of [1, 2]) {
      if (syllables.length <= length) continue;
      if (same(syllables.slice(0, length), readSurname)) return ['match_via_pinyin', same(syllables.slice(length), readGiven) ? 'match_via_pinyin' : 'mismatch'];
    }
    return ['mismatch', same(syllables.slice(1), readGiven) ? 'match_via_pinyin' : 'mismatch'];
  }
  const words = latinWords(fullName);
  const n = readSurname.length;
  // Entered as "SURNAME Given" or "Given Surname".
  if (n > 0 && same(words.slice(0, n), readSurname)) return ['match', same(words.slice(n), readGiven) ? 'match' : 'mismatch'];
  if (n > 0 && same(words.slice(words.length - n), readSurname)) return ['match', same(words.slice(0, words.length - n), readGiven) ? 'match' : 'mismatch'];
  const g = readGiven.length;
  const givenMatches = g > 0 && (same(words.slice(0, g), readGiven) || same(words.slice(words.length - g), readGiven));
  return ['mismatch', givenMatches ? 'match' : 'mismatch'];
}

/** YYYY-MM-DD as an MRZ prints it: YYMMDD. */
const mrzDate = (date: string | undefined): string | null => (date ? date.slice(2, 4) + date.slice(5, 7) + date.slice(8, 10) : null);

function compareValue(entered: string | null, read: string | null): MrzFieldState {
  if (read === null) return 'unreadable';
  if (entered === null) return 'not_entered';
  return entered === read ? 'match' : 'mismatch';
}

/** The reading of the passport's data page (`image`: its index in the case) against the entered identity. */
export function compareMrz(identity: IndividualIdentity, reading: MrzReading, image: number): MrzComparison {
  const fields = reading.status === 'read' ? reading.fields : null;
  const value = (name: keyof NonNullable<MrzReading['fields']>): string | null => fields?.[name]?.value ?? null;
  const [surnameState, givenState] = compareNames(identity.fullName, value('surname'), value('givenNames'));
  const number = identity.documentNumber.toUpperCase().replace(/[\s-]/g, '');
  // The entered nationality, not the issuing location: a resident's permit or a second passport can differ from it.
  // A code with no known ICAO form is not compared (not_entered) rather than called a mismatch.
  const nationality = identity.nationality ? (nationalityCodes[identity.nationality] ?? null) : null;
  const sex = identity.sex ?? null;
  const checks: MrzFieldCheck[] = [
    { field: 'surname', entered: identity.fullName, read: value('surname'), state: surnameState },
    { field: 'givenNames', entered: identity.fullName, read: value('givenNames'), state: givenState },
    { field: 'documentNumber', entered: number, read: value('documentNumber'), state: compareValue(number, value('documentNumber')) },
    { field: 'nationality', entered: nationality, read: value('nationality'), state: compareValue(nationality, value('nationality')) },
    { field: 'birthDate', entered: identity.dateOfBirth ?? null, read: value('birthDate'), state: compareValue(mrzDate(identity.dateOfBirth), value('birthDate')) },
    { field: 'sex', entered: sex, read: value('sex'), state: compareValue(sex, value('sex')) },
    { field: 'expiryDate', entered: identity.expiryDate ?? null, read: value('expiryDate'), state: compareValue(mrzDate(identity.expiryDate), value('expiryDate')) },
  ];
  return { status: reading.status, valid: reading.valid, band: reading.band, image, fields: checks };
}
