// The keys of the supervisor's logs (the decision log, the withdrawals): J/K or the arrows move the selection, Enter
// opens the selected row read-only, / goes to the search, Esc clears it, E exports what the filters match. None
// while the person types, while the shortcut help is open, or while a case opened from the log is showing.
import { useEffect, useRef } from 'react';
import { useUi } from '../state/ui';
import { hasModifier, isTypingTarget } from './keys';

export interface LogKeys {
  searchId: string;
  /** A case opened from the log is showing: it has keys of its own. */
  caseOpen(): boolean;
  move(delta: number): void;
  open(): void;
  exportCsv(): void;
  /** The applied search text ('' when none): Esc clears it. */
  searchText(): string;
  clearSearch(): void;
}

export function useLogKeys(keys: LogKeys): void {
  // The newest handlers, without listening again on each render.
  const latest = useRef(keys);
  latest.current = keys;
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const k = latest.current;
      if (event.defaultPrevented || useUi.getState().helpOpen || hasModifier(event)) return;
      if (isTypingTarget(event.target) || k.caseOpen()) return;
      switch (event.key) {
        case 'Enter':
          if (event.target instanceof HTMLButtonElement || event.target instanceof HTMLSelectElement) return;
          event.preventDefault();
          k.open();
          break;
        case 'j':
        case 'J':
        case 'ArrowDown':
          event.preventDefault();
          k.move(1);
          break;
        case 'k':
        case 'K':
        case 'ArrowUp':
          event.preventDefault();
          k.move(-1);
          break;
        case '/':
          event.preventDefault();
          document.getElementById(k.searchId)?.focus();
          break;
        case 'e':
        case 'E':
          event.preventDefault();
          k.exportCsv();
          break;
        case 'Escape':
          if (k.searchText() === '') return;
          event.preventDefault();
          k.clearSearch();
          break;
        default:
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
