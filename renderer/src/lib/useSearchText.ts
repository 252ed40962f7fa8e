// A search box's own text, applied as a filter a moment after the last keystroke rather than on each one; it
// follows the filter when that changes elsewhere (reset, Escape).
import { useEffect, useState } from 'react';

const APPLY_AFTER_MS = 250;

export function useSearchText(applied: string, apply: (text: string) => void): [text: string, setText: (text: string) => void] {
  const [text, setText] = useState(applied);
  useEffect(() => setText(applied), [applied]);
  useEffect(() => {
    if (text === applied) return;
    const timer = setTimeout(() => apply(text), APPLY_AFTER_MS);
    return () => clearTimeout(timer);
  }, [text, applied, apply]);
  return [text, setText];
}
