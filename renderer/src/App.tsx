import { useEffect } from 'react';
import { Frame } from './components/Frame';
import { useFrame } from './state/frame';
import { watchSession } from './state/session';
import { workstation } from './workstation';

const SYNC_POLL_MS = 15_000;

export function App() {
  useEffect(() => {
    const frame = useFrame.getState();
    void frame.load();
    const api = workstation();
    // Settings and the session may change elsewhere (another window, the main process): they arrive as events.
    const offSettings = api.events.subscribe('settings.changed', (s) => useFrame.getState().applySettings(s));
    const offSession = api.events.subscribe('session.changed', (s) => useFrame.getState().applySession(s));
    const offWatch = watchSession();
    const online = () => useFrame.getState().setOnline(navigator.onLine);
    window.addEventListener('online', online);
    window.addEventListener('offline', online);
    const poll = setInterval(() => {
      const { person, locked } = useFrame.getState();
      if (person && !locked) void useFrame.getState().refreshSync();
    }, SYNC_POLL_MS);
    return () => {
      offSettings();
      offSession();
      offWatch();
      window.removeEventListener('online', online);
      window.removeEventListener('offline', online);
      clearInterval(poll);
    };
  }, []);
  return <Frame />;
}
