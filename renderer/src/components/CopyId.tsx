// The full application id beside its short reference: shown on hover/focus and copied with one press.
import { useState } from 'react';
import { useT } from '../i18n/useT';

export function CopyId({ id }: { id: string }) {
  const t = useT();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(id);
      setState('copied');
    } catch {
      // No clipboard here (a denied permission): the id is shown to select by hand.
      setState('failed');
    }
  };
  return (
    <span className="copy-id">
      <button type="button" className="small" title={id} aria-label={t('case.copyId', { id })} data-testid="copy-id" data-id={id} onClick={() => void copy()}>
        {state === 'copied' ? t('case.copied') : t('case.copy')}
      </button>
      {state === 'failed' && (
        <span className="mono small" role="status">
          {t('case.copyFailed', { id })}
        </span>
      )}
    </span>
  );
}
