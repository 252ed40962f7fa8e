// A button that exports (CSV of the decision log or the withdrawals, PDF of a report) and saves the file, with its progress, its
// outcome and a clear error beside it. Any view can mount one: it names the kind and how to make the file.
import { useId } from 'react';
import type { ExportKind, PreparedExport } from '../../../shared/contract/exports';
import type { Outcome } from '../../../shared/errors';
import { errorMessage, type MessageKey } from '../i18n';
import { useLanguage, useT } from '../i18n/useT';
import { formatNumber } from '../lib/format';
import { exportRunning, useExports } from '../state/exports';
import { ErrorBanner } from './ErrorBanner';

/** The progress and the outcome name what the file holds: decisions, or withdrawals. */
const counted: Record<ExportKind, { progress: MessageKey; saved: MessageKey }> = {
  decisions_csv: { progress: 'export.progress', saved: 'export.saved' },
  report_pdf: { progress: 'export.progress', saved: 'export.saved' },
  withdrawals_csv: { progress: 'export.progressWithdrawals', saved: 'export.savedWithdrawals' },
};

export interface ExportButtonProps {
  kind: ExportKind;
  label: MessageKey;
  hint: MessageKey;
  /** Makes the file: the export channel, with what the view shows. */
  make: () => Promise<Outcome<PreparedExport>>;
  /** The key that does the same (shown on the button, e.g. "E"). */
  shortcut?: string;
}

export function ExportButton({ kind, label, hint, make, shortcut }: ExportButtonProps) {
  const t = useT();
  const language = useLanguage();
  const hintId = useId();
  const status = useExports((s) => s.status);
  const run = useExports((s) => s.run);
  const dismiss = useExports((s) => s.dismiss);
  const mine = status.phase !== 'idle' && status.kind === kind;

  return (
    <div className="export" data-testid={`export-${kind}`}>
      <button type="button" onClick={() => void run(kind, make)} disabled={exportRunning(status)} aria-describedby={hintId} aria-keyshortcuts={shortcut}>
        {t(label)}
        {shortcut && <kbd aria-hidden="true">{shortcut}</kbd>}
      </button>
      <span id={hintId} className="visually-hidden">
        {t(hint)}
      </span>
      <span className="muted small" role="status" aria-live="polite" data-testid={`export-${kind}-status`}>
        {mine && status.phase === 'preparing' && (
          <>
            {status.total === null ? t('export.preparing') : t(counted[kind].progress, { done: formatNumber(status.done, language), total: formatNumber(status.total, language) })}
            {status.total !== null && status.total > 0 && <progress max={status.total} value={status.done} />}
          </>
        )}
        {mine && status.phase === 'saving' && t('export.saving', { fileName: status.fileName })}
        {mine && status.phase === 'saved' && (status.saved.saved ? t(counted[kind].saved, { fileName: status.saved.fileName, rows: formatNumber(status.rows, language) }) : t('export.cancelled'))}
      </span>
      {mine && status.phase === 'failed' && (
        <ErrorBanner error={status.error} text={t('export.failed', { message: errorMessage(t, status.error) })} testId={`export-${kind}-error`} onDismiss={dismiss} />
      )}
    </div>
  );
}
