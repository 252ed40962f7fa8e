// A rule's short name and a severity's symbol: what the queue shows of a flag. Apart from lib/flags.ts (the full
// explanations), so the queue's first render does not load shared/rules.ts and its holiday tables.
import type { FlagSeverity, RuleId } from '../../../shared/domain';
import type { Translate } from '../i18n';

export function ruleName(rule: RuleId, t: Translate): string {
  return t(`rule.${rule}`);
}

export const severitySymbol: Record<FlagSeverity, string> = { blocking: '✖', warning: '⚠', info: 'ℹ' };
