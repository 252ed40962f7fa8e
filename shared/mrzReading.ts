// R11: what the workstation read in a passport's machine-readable zone (electron/imaging/mrz.ts), kept with the
// document as derived data. Plain data: the comparison with the entered identity is electron/store/mrzCheck.ts.
import { z } from 'zod';
import { lineText } from './text';

export const mrzFieldNames = ['surname', 'givenNames', 'documentNumber', 'nationality', 'birthDate', 'sex', 'expiryDate', 'issuingState'] as const;
export type MrzFieldName = (typeof mrzFieldNames)[number];

export const MrzField = z.object({
  /** What the field says once parsed (dates YYMMDD as printed; sex M, F or X); null when it failed its own check. */
  value: lineText(44).nullable(),
  /** The characters as read. */
  raw: lineText(44),
  /** The field has a check digit (document number, birth date, expiry), and so a value here passed it. */
  checked: z.boolean(),
});
export type MrzField = z.infer<typeof MrzField>;

/** Where the band is, as shares (0..1) of the upright image: what the viewer highlights. */
export const MrzBand = z.object({
  x: z.number().min(0).max(1),
  y: z.number().min(0).max(1),
  width: z.number().min(0).max(1),
  height: z.number().min(0).max(1),
});
export type MrzBand = z.infer<typeof MrzBand>;

export const MrzReading = z.object({
  /** `read`: two TD3 lines parsed; `unreadable`: a band found but not read as a passport MRZ; `not_found`: no band. */
  status: z.enum(['read', 'unreadable', 'not_found']),
  band: MrzBand.nullable(),
  lines: z.array(lineText(60)).max(3),
  fields: z.record(z.enum(mrzFieldNames), MrzField).nullable(),
  /** Every field and check digit (composite included) held. */
  valid: z.boolean(),
  /** How long the reading took in the imaging process. */
  ms: z.number().nonnegative(),
});
export type MrzReading = z.infer<typeof MrzReading>;

export const mrzComparedFields = ['surname', 'givenNames', 'documentNumber', 'nationality', 'birthDate', 'sex', 'expiryDate'] as const;
export type MrzComparedField = (typeof mrzComparedFields)[number];

/**
 * `match_via_pinyin`: the entered name is in Chinese characters and its pinyin is what the MRZ says;
 * `unreadable`: no band, or the field failed its own check digit (OCR noise, never the applicant's fault);
 * `not_entered`: the application carries nothing to compare (older applications lack sex, nationality and dates; a nationality with no known ICAO code).
 */
export const MrzFieldState = z.enum(['match', 'match_via_pinyin', 'mismatch', 'unreadable', 'not_entered']);
export type MrzFieldState = z.infer<typeof MrzFieldState>;

export const MrzFieldCheck = z.object({
  field: z.enum(mrzComparedFields),
  entered: lineText(200).nullable(),
  read: lineText(44).nullable(),
  state: MrzFieldState,
});
export type MrzFieldCheck = z.infer<typeof MrzFieldCheck>;

/** The reading compared with the entered identity (electron/store/mrzCheck.ts), as the case view shows it. */
export const MrzComparison = z.object({
  status: MrzReading.shape.status,
  /** Every check digit of the zone held (composite included). */
  valid: z.boolean(),
  band: MrzBand.nullable(),
  /** Which of the application's documents was read (its index in the case). */
  image: z.number().int().nonnegative(),
  fields: z.array(MrzFieldCheck).max(mrzComparedFields.length),
});
export type MrzComparison = z.infer<typeof MrzComparison>;
