import type { FlagSeverity, RuleId } from '../../../shared/domain';
import { useT } from '../i18n/useT';
import { ruleName, severitySymbol } from '../lib/ruleLabels';

/** A flag as a small icon with its rule id; the text alternative names the rule and its severity. */
export function FlagIcon({ rule, severity }: { rule: RuleId; severity: FlagSeverity }) {
  const t = useT();
  const label = t('flag.icon', { rule, name: ruleName(rule, t), severity: t(`severity.${severity}`) });
  return (
    <span className={`flag-icon sev-${severity}`} role="img" aria-label={label} title={label}>
      <span aria-hidden="true">
        {severitySymbol[severity]}
        {rule}
      </span>
    </span>
  );
}
