import type { FlagSeverity, RuleId } from '../../../shared/domain';
import { ruleIds } from '../../../shared/vocabulary';
import { useT } from '../i18n/useT';
import { ruleName, severitySymbol } from '../lib/ruleLabels';

/**
 * A flag as a small chip with its rule id; its name shows on hover, and on focus where it is `focusable` (outside the
 * queue's grid, whose rows take the focus); the text alternative names the rule and its severity.
 */
export function FlagIcon({ rule, severity, focusable = false }: { rule: RuleId; severity: FlagSeverity; focusable?: boolean }) {
  const t = useT();
  const label = t('flag.icon', { rule, name: ruleName(rule, t), severity: t(`severity.${severity}`) });
  return (
    <span className={`flag-icon sev-${severity}`} role="img" aria-label={label} title={label} data-name={label} tabIndex={focusable ? 0 : undefined}>
      <span aria-hidden="true">
        {severitySymbol[severity]}
        {rule}
      </span>
    </span>
  );
}

const severities: FlagSeverity[] = ['blocking', 'warning', 'info'];

/** What the chips mean: the three severities and the ten rules, behind one disclosure. */
export function FlagLegend() {
  const t = useT();
  return (
    <details className="flag-legend" data-testid="flag-legend">
      <summary>{t('flag.legend')}</summary>
      <ul>
        {severities.map((s) => (
          <li key={s}>
            <span className={`flag-icon sev-${s}`} aria-hidden="true">
              {severitySymbol[s]}
            </span>
            {t(`severity.${s}`)}
          </li>
        ))}
        {ruleIds.map((r) => (
          <li key={r}>
            <strong>{r}</strong> {ruleName(r, t)}
          </li>
        ))}
      </ul>
    </details>
  );
}
