import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { guardNavigation } from './lib/navigationGuard';
import { useFrame } from './state/frame';
import './styles.css';

guardNavigation(window);

const root = document.getElementById('root');
if (!root) throw new Error('The page has no #root element.');
// The frame's calls (session, settings, sync state) leave now, with the queue's first page, rather than after
// React's first render. The first render waits for their answers (at most FIRST_RENDER_WAIT_MS): it is then the
// queue or the sign-in screen itself, not a "Loading…" screen laid out and replaced a few milliseconds later.
const FIRST_RENDER_WAIT_MS = 300;
const frameLoaded = useFrame.getState().load();
void Promise.race([frameLoaded, new Promise((resolve) => setTimeout(resolve, FIRST_RENDER_WAIT_MS))]).then(() =>
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
