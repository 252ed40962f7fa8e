// "This device" in the header (issues 23 and 25): locking, signing out and the workstation's own actions (rotating its
// data key, removing its applicant data) behind one menu button, so the header keeps to one row at 1280×720.
// The WAI-ARIA menu button: Enter, Space or ↓ open it on the first item, ↑ on the last; ↑/↓ wrap, Home/End, a letter
// jumps to the next item starting with it; Escape closes it and focus goes back to the button, as it does when a
// dialog opened from it closes. Keys stay in the menu: the case view behind has shortcuts of its own.
import { Fragment, useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useT } from '../i18n/useT';
import { hasModifier } from '../lib/keys';
import { useFrame } from '../state/frame';
import { lockWorkstation, signOutOfWorkstation } from '../state/session';
import { RemoveApplicantDataDialog } from './RemoveApplicantData';
import { RotateDataKeyDialog } from './RotateDataKey';

type DeviceDialog = 'rekey' | 'retire';

interface DeviceAction {
  key: string;
  label: string;
  hint?: string;
  opensDialog?: boolean;
  /** A line above it: the workstation's data, apart from the person's session. */
  startsGroup?: boolean;
  run(): void;
}

export function DeviceMenu() {
  const t = useT();
  // Other devices' sessions exist only with a central service.
  const central = useFrame((s) => s.sync?.centralUrl ?? null) !== null;
  /** The item with focus while the menu is open; null while it is closed. */
  const [focused, setFocused] = useState<number | null>(null);
  const [dialog, setDialog] = useState<DeviceDialog | null>(null);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const open = focused !== null;

  const actions: DeviceAction[] = [
    { key: 'lock', label: t('frame.lock'), run: () => void lockWorkstation() },
    { key: 'sign-out', label: t('frame.signOut'), run: () => void signOutOfWorkstation() },
    ...(central ? [{ key: 'sign-out-everywhere', label: t('frame.signOutEverywhere'), hint: t('frame.signOutEverywhere.hint'), run: () => void signOutOfWorkstation(true) }] : []),
    { key: 'rekey', label: t('rekey.button'), opensDialog: true, startsGroup: true, run: () => setDialog('rekey') },
    { key: 'retire', label: t('retire.button'), opensDialog: true, run: () => setDialog('retire') },
  ];

  useEffect(() => {
    if (focused !== null) menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]')[focused]?.focus();
  }, [focused]);

  useEffect(() => {
    if (!open) return;
    // A press anywhere else closes it and leaves focus where that press puts it.
    const away = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setFocused(null);
    };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [open]);

  // Back to the button once a dialog from the menu is gone (while it is open, everything behind it is inert).
  const hadDialog = useRef(false);
  useEffect(() => {
    if (dialog !== null) hadDialog.current = true;
    else if (hadDialog.current) {
      hadDialog.current = false;
      button.current?.focus();
    }
  }, [dialog]);

  const close = () => {
    setFocused(null);
    button.current?.focus();
  };
  const choose = (action: DeviceAction) => {
    close();
    action.run();
  };

  const onButtonKey = (event: KeyboardEvent<HTMLButtonElement>) => {
    if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
    event.preventDefault();
    event.stopPropagation();
    setFocused(event.key === 'ArrowDown' ? 0 : actions.length - 1);
  };

  const onMenuKey = (event: KeyboardEvent<HTMLUListElement>) => {
    event.stopPropagation();
    if (focused === null) return;
    const last = actions.length - 1;
    const moveTo = (index: number) => {
      event.preventDefault();
      setFocused(index);
    };
    switch (event.key) {
      case 'ArrowDown':
        return moveTo(focused === last ? 0 : focused + 1);
      case 'ArrowUp':
        return moveTo(focused === 0 ? last : focused - 1);
      case 'Home':
        return moveTo(0);
      case 'End':
        return moveTo(last);
      case 'Escape':
        event.preventDefault();
        return close();
      case 'Tab':
        // From the button, Tab's own move goes on to what follows the menu.
        return close();
    }
    if (event.key.length !== 1 || hasModifier(event.nativeEvent)) return;
    const letter = event.key.toLocaleLowerCase();
    for (let step = 1; step <= actions.length; step++) {
      const index = (focused + step) % actions.length;
      if (actions[index]!.label.toLocaleLowerCase().startsWith(letter)) return moveTo(index);
    }
  };

  return (
    <>
      <div className="device-menu" ref={root}>
        <button
          ref={button}
          type="button"
          id="device-menu-button"
          aria-haspopup="menu"
          aria-expanded={open}
          aria-controls={open ? 'device-menu' : undefined}
          data-testid="device-menu-button"
          onClick={() => setFocused(open ? null : 0)}
          onKeyDown={onButtonKey}
        >
          {t('device.menu')} <span aria-hidden="true">▾</span>
        </button>
        {open && (
          <ul
            ref={menu}
            id="device-menu"
            role="menu"
            aria-labelledby="device-menu-button"
            className="menu"
            onKeyDown={onMenuKey}
            onBlur={(event) => {
              if (event.relatedTarget instanceof Node && !root.current?.contains(event.relatedTarget)) setFocused(null);
            }}
          >
            {actions.map((action) => (
              <Fragment key={action.key}>
                {action.startsGroup && <li role="separator" />}
                <li role="none">
                  <button type="button" role="menuitem" tabIndex={-1} title={action.hint} aria-haspopup={action.opensDialog ? 'dialog' : undefined} onClick={() => choose(action)}>
                    {action.label}
                  </button>
                </li>
              </Fragment>
            ))}
          </ul>
        )}
      </div>
      {dialog === 'rekey' && <RotateDataKeyDialog onClose={() => setDialog(null)} />}
      {dialog === 'retire' && <RemoveApplicantDataDialog onClose={() => setDialog(null)} />}
    </>
  );
}
