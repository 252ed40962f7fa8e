// The one banner for a read or an action that failed: what went wrong in the person's language (the error code's own
// text, or the view's sentence around it) and what they can do about it (Try again, Dismiss). It carries the error's
// code (data-code) so a test can tell a refusal from an outage without reading prose.
import { errorMessage } from '../i18n';
import { useT } from '../i18n/useT';

export function ErrorBanner({
  error,
  text,
  title,
  onRetry,
  onDismiss,
  testId,
  tone = 'alert',
}: {
  error: { code: string; message: string };
  /** The view's sentence for it ("The export failed: …"); the error's own text otherwise. */
  text?: string;
  /** A heading in bold before the text. */
  title?: string;
  onRetry?: () => void;
  onDismiss?: () => void;
  testId?: string;
  /**
   * `alert` is said at once by a screen reader. `lasting`: a state that persists while the app tries again (a failing
   * sync) is said politely, not shouted at every attempt. `offline`: an expected wait, shown quietly, not in red.
   */
  tone?: 'alert' | 'lasting' | 'offline';
}) {
  const t = useT();
  return (
    <div className={tone === 'offline' ? 'muted' : 'error-banner'} role={tone === 'alert' ? 'alert' : 'status'} data-testid={testId} data-code={error.code}>
      {title && <strong>{title}</strong>}
      <p>{text ?? errorMessage(t, error)}</p>
      {onRetry && (
        <button type="button" onClick={onRetry}>
          {t('error.retry')}
        </button>
      )}
      {onDismiss && (
        <button type="button" onClick={onDismiss}>
          {t('error.dismiss')}
        </button>
      )}
    </div>
  );
}
