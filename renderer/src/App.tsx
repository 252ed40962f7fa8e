import { useEffect } from 'react';
import { Frame } from './components/Frame';
import { useFrame } from './state/frame';
import { watchSession } from './state/session';
import { workstation } from './workstation';

const SYNC_POLL_MS = 15_000;

export function App() {
  useEffect(() => {
    // The frame's first load is started in main.tsx, before this first render.
    const api = workstation();
    // Settings and the session may change elsewhere (another window, the main process): they arrive as events.
    const offSettings = api.events.subscribe('settings.changed', (s) => useFrame.getState().applySettings(s));
    const offSession = api.events.subscribe('session.changed', (s) => useFrame.getState().applySession(s));
    const offSync = api.events.subscribe('sync.changed', (s) => useFrame.getState().applySync(s));
    const offProgress = api.events.subscribe('sync.progress', (p) => useFrame.getState().applyProgress(p));
    const offWatch = watchSession();
    const online = () => {
      const frame = useFrame.getState();
      frame.setOnline(navigator.onLine);
      // Back on the network: sync now rather than at the end of the backoff.
      if (navigator.onLine && frame.person && !frame.locked && frame.sync && frame.sync.state !== 'not_configured') void workstation().sync.now({});
    };
    window.addEventListener('online', online);
    window.addEventListener('offline', online);
    const poll = setInterval(() => {
      const { person, locked } = useFrame.getState();
      if (person && !locked) void useFrame.getState().refreshSync();
    }, SYNC_POLL_MS);
    return () => {
      offSettings();
      offSession();
      offSync();
      offProgress();
      offWatch();
      window.removeEventListener('online', online);
      window.removeEventListener('offline', online);
      clearInterval(poll);
    };
  }, []);
  return <Frame />;
}
