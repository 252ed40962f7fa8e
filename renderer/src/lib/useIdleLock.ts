// Locks the workstation after `minutes` without keyboard, pointer or touch activity, whoever is signed in.
import { useEffect } from 'react';
import { lockWorkstation } from '../state/session';

const activityEvents = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'touchstart'] as const;

export function useIdleLock(minutes: number) {
  useEffect(() => {
    let last = Date.now();
    const bump = () => {
      last = Date.now();
    };
    for (const name of activityEvents) window.addEventListener(name, bump, { capture: true, passive: true });
    const timer = setInterval(() => {
      if (Date.now() - last >= minutes * 60_000) {
        clearInterval(timer);
        void lockWorkstation();
      }
    }, 1_000);
    return () => {
      clearInterval(timer);
      for (const name of activityEvents) window.removeEventListener(name, bump, { capture: true });
    };
  }, [minutes]);
}
