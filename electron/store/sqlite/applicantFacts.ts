// Most flags carry numbers about the case (accounts, days, a format's name); a few quote the applicant's own data.
// Retention blanks those facts wherever a flag is kept (the stored flags, what a decision was judged on, a
// supervisor's decision log copy), keeping the flag's rule, reason and severity, so "R9 warned" still shows.
import type { Flag } from '../../../shared/domain';

/** By flag reason, the facts that are the applicant's data (shared/documentRules.ts). */
const applicantFacts: Readonly<Partial<Record<string, readonly string[]>>> = {
  // R9: the entered date of birth and the one encoded in the document number.
  birth_date_differs: ['entered', 'inNumber'],
};

/** The reasons whose facts quote the applicant, for SQL that picks the rows to redact. */
export const reasonsQuotingApplicant: readonly string[] = Object.keys(applicantFacts);

/** The flag's facts with the applicant's data replaced by `removed`; the same object when it quotes nothing. */
export function redactFlagFacts(reason: string, facts: Flag['facts'], removed: string): Flag['facts'] {
  const keys = applicantFacts[reason];
  if (!keys || keys.every((k) => facts[k] === undefined || facts[k] === removed)) return facts;
  return { ...facts, ...Object.fromEntries(keys.filter((k) => facts[k] !== undefined).map((k) => [k, removed])) };
}

export function redactFlags<F extends Flag>(flags: readonly F[], removed: string): F[] {
  return flags.map((f) => {
    const facts = redactFlagFacts(f.reason, f.facts, removed);
    return facts === f.facts ? f : { ...f, facts };
  });
}
