// What a demo person is given beyond the drawn data: sex and nationality (issue 24, R11 compares both with a
// passport's MRZ). Pure: the central demo (server/demo.ts), the workstation's seed (electron/store/seed.ts) and the
// specimen drawings (resources/specimens) give a person the same ones.

/** A stable number from text: the same person always gets the same drawn face and the same sex. */
export function hashOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** M or F for a demo person, from a mainland ID number's 17th digit (odd: male, as GB 11643 says) or else from the name. */
export function specimenSex(p: { kind: string; documentNumber: string; fullName: string }): 'M' | 'F' {
  const digit = p.kind === 'id_card' && /^\d{17}/.test(p.documentNumber) ? Number(p.documentNumber[16]) : hashOf(p.fullName);
  return digit % 2 === 1 ? 'M' : 'F';
}

/** A demo person's nationality: the issuing location's, a Hong Kong or Macao resident's Chinese (their MRZ says CHN). */
export function specimenNationality(issuingLocation: string): string {
  return issuingLocation === 'HK' || issuingLocation === 'MO' ? 'CN' : issuingLocation;
}
