import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { useFrame } from './state/frame';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('The page has no #root element.');
// The frame's calls (session, settings, sync state) leave now, with the queue's first page, rather than after
// React's first render: at start the workspace waits for the session, so this is one render less on that path.
void useFrame.getState().load();
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
