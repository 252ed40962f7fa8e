// Imaging processes under Electron: a packaged app cannot fork itself as Node (the runAsNode fuse is off), so
// each one is a utility process — Chromium's sandbox-aware child with Node, listed as "Verity imaging" in the OS.
import { fileURLToPath } from 'node:url';
import { utilityProcess } from 'electron';
import { exitTracker, type LaunchImagingProcess } from '../imaging/launch';
import type { WorkerMessage } from '../imaging/protocol';

export const launchUtilityImagingProcess: LaunchImagingProcess = (spec) => {
  const child = utilityProcess.fork(fileURLToPath(spec.script), spec.args, {
    env: spec.env,
    execArgv: [`--max-old-space-size=${spec.maxOldGenerationSizeMb}`],
    serviceName: 'Verity imaging',
    stdio: 'inherit',
  });
  const tracker = exitTracker(() => child.kill());
  child.once('exit', (code) => tracker.exit(`exit code ${code}`));
  return {
    send(message) {
      if (!tracker.exited()) child.postMessage(message);
    },
    onMessage(listener) {
      child.on('message', (message: WorkerMessage) => listener(message));
    },
    onExit: tracker.onExit,
    kill: tracker.kill,
  };
};
