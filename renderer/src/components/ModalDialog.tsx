// A modal <dialog>, opened as it mounts, with its heading and a Close button. Escape and Close call onClose, except
// while `busy`. Keys stay in the dialog: the view behind has shortcuts of its own (Escape would leave the case view,
// A/R/J/K would act on the case).
import { useEffect, useRef, type ReactNode } from 'react';
import { useT } from '../i18n/useT';

export function ModalDialog({
  className,
  titleId,
  title,
  testId,
  onClose,
  busy = false,
  focusClose = false,
  children,
}: {
  className: string;
  titleId: string;
  title: ReactNode;
  testId: string;
  onClose(): void;
  /** While true, neither Escape nor Close closes it (a step that must not be left halfway). */
  busy?: boolean;
  /** Focus starts on Close (otherwise on the first `autoFocus` inside). */
  focusClose?: boolean;
  children: ReactNode;
}) {
  const t = useT();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
  }, []);
  return (
    <dialog
      ref={dialog}
      className={`help-dialog ${className}`}
      aria-labelledby={titleId}
      data-testid={testId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
      onKeyDown={(event) => event.stopPropagation()}
    >
      <div className="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" onClick={onClose} disabled={busy} autoFocus={focusClose}>
          {t('shortcuts.close')}
        </button>
      </div>
      {children}
    </dialog>
  );
}
