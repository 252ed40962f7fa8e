// R11 mrz-check (docs/document-checks.md): the passport's machine-readable zone, read on the workstation and compared
// with the entered data (electron/store/mrzCheck.ts, where the store runs), turned into flags. Kept apart from the
// comparison so that the rules (and the renderer, which imports them) never load the pinyin dictionary.
import type { Flag } from './domain';
import type { MrzComparison } from './mrzReading';

/**
 * A field read from the zone (its check digit held, where it has one) that differs from the entered value blocks
 * approval, overridable with a note like R9: names carry no check digit, so a misread name is possible, and the
 * reviewer confirms against the highlighted band. A zone that could not be found or read never blocks: information.
 */
export function ruleR11(mrz: MrzComparison | null): Flag[] {
  if (!mrz) return [];
  const image = mrz.image + 1;
  if (mrz.status !== 'read') return [{ rule: 'R11', severity: 'info', reason: mrz.status === 'not_found' ? 'mrz_not_found' : 'mrz_unreadable', overridable: false, facts: { image } }];
  const mismatched = mrz.fields.filter((f) => f.state === 'mismatch').map((f) => f.field);
  const unreadable = mrz.fields.filter((f) => f.state === 'unreadable').map((f) => f.field);
  const flags: Flag[] = [];
  if (mismatched.length > 0) flags.push({ rule: 'R11', severity: 'blocking', reason: 'mrz_mismatch', overridable: true, facts: { image, fields: mismatched.join(', ') } });
  if (unreadable.length > 0) flags.push({ rule: 'R11', severity: 'info', reason: 'mrz_fields_unreadable', overridable: false, facts: { image, fields: unreadable.join(', ') } });
  return flags;
}
