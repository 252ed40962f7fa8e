// "Rotate data key" (issue 25 item 2): a new random key re-encrypts the case store, the document images and the built-in
// service's data. The main process saves the new key and restarts; this dialog waits until the workstation answers
// again and reloads the page (in Electron the app comes back as a new window by itself).
import { useEffect, useState } from 'react';
import { errorMessage } from '../i18n';
import { useT } from '../i18n/useT';
import { unwrap, workstation, WorkstationError } from '../workstation';
import { ModalDialog } from './ModalDialog';

type Step = { kind: 'confirm' } | { kind: 'asking' } | { kind: 'restarting' } | { kind: 'failed'; error: WorkstationError | Error };

const POLL_MS = 1000;

/** Opened from the header's "This device" menu (DeviceMenu.tsx). */
export function RotateDataKeyDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const [step, setStep] = useState<Step>({ kind: 'confirm' });
  useEffect(() => {
    if (step.kind !== 'restarting') return;
    // The host answers 503 `restarting` until the workstation is open again under the new key.
    let live = true;
    const poll = () =>
      void workstation()
        .app.info({})
        .then((outcome) => {
          if (!live) return;
          // Electron's main process answers until it exits; its new process opens a new window.
          if (outcome.ok && outcome.value.host === 'browser') window.location.reload();
          else setTimeout(poll, POLL_MS);
        }, () => live && setTimeout(poll, POLL_MS));
    const first = setTimeout(poll, POLL_MS);
    return () => {
      live = false;
      clearTimeout(first);
    };
  }, [step.kind]);

  const rotate = () => {
    setStep({ kind: 'asking' });
    unwrap(workstation().device.rotateDataKey({})).then(
      () => setStep({ kind: 'restarting' }),
      (error: Error) => setStep({ kind: 'failed', error }),
    );
  };
  const busy = step.kind === 'asking' || step.kind === 'restarting';

  return (
    <ModalDialog className="rekey-dialog" titleId="rekey-title" title={t('rekey.title')} testId="rotate-data-key" onClose={onClose} busy={busy}>
      <p>{t('rekey.explain')}</p>
      {step.kind === 'failed' && (
        <p className="error" role="alert">
          {step.error instanceof WorkstationError ? errorMessage(t, step.error) : step.error.message}
        </p>
      )}
      {step.kind === 'restarting' ? (
        <p role="status">{t('rekey.restarting')}</p>
      ) : (
        <div className="dialog-actions">
          <button type="button" className="danger" onClick={rotate} disabled={busy}>
            {t('rekey.confirm')}
          </button>
          <button type="button" onClick={onClose} disabled={busy} autoFocus>
            {t('rekey.cancel')}
          </button>
        </div>
      )}
    </ModalDialog>
  );
}
