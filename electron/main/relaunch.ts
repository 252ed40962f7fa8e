// Electron's restart for the in-app key rotation (electron/api/rotateKey.ts): once the call asking for it has been
// answered, the data folder is closed, then the app starts again as a new process, which finishes the rotation before
// it opens anything (finishInterruptedRekey in index.ts). `exit` rather than `quit`: the windows and the will-quit
// handler would otherwise close the workstation a second time.
import type { App } from 'electron';

export interface RelaunchParts {
  app: Pick<App, 'relaunch' | 'exit'>;
  /** Closes everything holding the data folder (the store, the imaging processes, the built-in service). */
  close: () => Promise<void>;
  /** How long the answer to the renderer gets to leave first. */
  delayMs?: number;
  onError?: (error: unknown) => void;
}

export function relaunchAfterClosing(parts: RelaunchParts): void {
  setTimeout(() => {
    parts
      .close()
      .catch((error: unknown) => parts.onError?.(error))
      // Relaunched even when closing failed: a store left open is recovered like after a crash, and the key rotation
      // is finished at the start either way.
      .finally(() => {
        parts.app.relaunch();
        parts.app.exit(0);
      });
  }, parts.delayMs ?? 100);
}
