import { useEffect } from 'react';
import { Frame } from './components/Frame';
import { useFrame } from './state/frame';
import { workstation } from './workstation';

export function App() {
  const load = useFrame((s) => s.load);
  const applySettings = useFrame((s) => s.applySettings);
  useEffect(() => {
    void load();
    // Settings changed elsewhere (another window, the main process) reach this one as an event.
    return workstation().events.subscribe('settings.changed', applySettings);
  }, [load, applySettings]);
  return <Frame />;
}
