// The `?` dialog: every keyboard shortcut, grouped by where it works.
import { useEffect, useRef } from 'react';
import type { MessageKey } from '../i18n';
import { useT } from '../i18n/useT';
import { isTypingTarget } from '../lib/keys';
import { useUi } from '../state/ui';

type Row = [keys: string[], action: MessageKey];
export type ShortcutSections = [MessageKey, Row[]][];

/** The QA queue's and the second-review list's (a supervisor's, and a reviewer's second reviews). */
export const qualityReviewShortcuts: ShortcutSections[number] = [
  'shortcuts.qualityReview',
  [
    [['↑', '↓', 'J', 'K'], 'shortcut.qa.move'],
    [['A'], 'shortcut.qa.agree'],
    [['O'], 'shortcut.qa.overturn'],
    [['Enter'], 'shortcut.qa.confirm'],
    [['Esc'], 'shortcut.qa.cancel'],
  ],
];

/** A reviewer's shortcuts; the supervisor's area passes its own. */
const reviewerSections: ShortcutSections = [
  [
    'shortcuts.queue',
    [
      [['↑', '↓', 'J', 'K'], 'shortcut.move'],
      [['Enter'], 'shortcut.open'],
      [['/'], 'shortcut.search'],
    ],
  ],
  [
    'shortcuts.case',
    [
      [['A'], 'shortcut.approve'],
      [['R'], 'shortcut.reject'],
      [['1', '…', '9', '0', '↑', '↓'], 'shortcut.reasons'],
      [['Enter', 'Ctrl+Enter'], 'shortcut.confirm'],
      [['Esc'], 'shortcut.back'],
      [['J', 'K'], 'shortcut.nextCase'],
    ],
  ],
  [
    'shortcuts.viewer',
    [
      [['+', '−'], 'shortcut.zoom'],
      [['F'], 'shortcut.fit'],
      [['0'], 'shortcut.actual'],
      [['E'], 'shortcut.rotate'],
      [['←', '↑', '→', '↓'], 'shortcut.pan'],
      [['V'], 'shortcut.nextImage'],
      [['C'], 'shortcut.compare'],
      [['L'], 'shortcut.linked'],
      [['X'], 'shortcut.switchPane'],
      [['[', ']'], 'shortcut.brightness'],
      [['{', '}'], 'shortcut.contrast'],
      [['\\'], 'shortcut.resetAdjust'],
    ],
  ],
  qualityReviewShortcuts,
  [
    'shortcuts.anywhere',
    [
      [['U', 'Ctrl+Z'], 'shortcut.undo'],
      [['?'], 'shortcut.help'],
    ],
  ],
];

/** Opens the help on `?`, wherever the focus is but in a text field. */
export function useHelpKey() {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.defaultPrevented || useUi.getState().helpOpen) return;
      if (event.key === '?' && !isTypingTarget(event.target)) {
        event.preventDefault();
        useUi.getState().setHelpOpen(true);
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}

export function ShortcutHelp({ sections = reviewerSections }: { sections?: ShortcutSections }) {
  const t = useT();
  const open = useUi((s) => s.helpOpen);
  const setOpen = useUi((s) => s.setHelpOpen);
  const dialog = useRef<HTMLDialogElement>(null);

  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);

  return (
    // `cancel` fires synchronously on Escape, `close` only a task later: without it the next
    // Escape could reach the case view while the store still says the help is open.
    <dialog
      ref={dialog}
      className="help-dialog"
      aria-labelledby="help-title"
      onCancel={() => setOpen(false)}
      onClose={() => setOpen(false)}
    >
      <div className="dialog-head">
        <h2 id="help-title">{t('shortcuts.title')}</h2>
        <button type="button" onClick={() => setOpen(false)} autoFocus>
          {t('shortcuts.close')}
        </button>
      </div>
      <div className="help-grid">
        {sections.map(([title, rows]) => (
          <section key={title}>
            <h3>{t(title)}</h3>
            <table className="shortcut-table">
              <tbody>
                {rows.map(([keys, action]) => (
                  <tr key={action}>
                    <th scope="row">
                      {keys.map((k, i) => (
                        <span key={k + i}>
                          {i > 0 && k !== '…' && keys[i - 1] !== '…' && <span className="muted"> {t('shortcut.or')} </span>}
                          <kbd>{k}</kbd>
                        </span>
                      ))}
                    </th>
                    <td>{t(action)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
        ))}
      </div>
    </dialog>
  );
}
