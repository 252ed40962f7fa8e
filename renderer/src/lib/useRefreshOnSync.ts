// A view over the workstation's copy reads it on every visit and again when a sync may have changed it: the sync's
// queue.changed event and its new lastSyncAt (from the sync.changed event or the status poll) arrive together and
// make one refresh.
import { useEffect, useRef } from 'react';
import { useFrame } from '../state/frame';
import { workstation } from '../workstation';

const REFRESH_DELAY_MS = 150;

export function useRefreshOnSync(reload: () => void): void {
  // The newest reload, without subscribing again when a caller passes a new function.
  const latest = useRef(reload);
  latest.current = reload;
  useEffect(() => {
    latest.current();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      clearTimeout(timer);
      timer = setTimeout(() => latest.current(), REFRESH_DELAY_MS);
    };
    const offQueue = workstation().events.subscribe('queue.changed', refresh);
    const offSync = useFrame.subscribe((state, previous) => {
      const synced = state.sync?.lastSyncAt;
      if (synced && synced !== previous.sync?.lastSyncAt) refresh();
    });
    return () => {
      clearTimeout(timer);
      offQueue();
      offSync();
    };
  }, []);
}
