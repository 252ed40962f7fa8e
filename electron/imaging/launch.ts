// Starting an imaging process. The pool only needs a message channel, an exit signal and a kill; how the process
// starts differs by host: plain Node (browser host, tests, benchmarks) forks a Node child here, Electron's main
// process passes a launcher built on utilityProcess (electron/main/imagingProcess.ts), since a packaged app
// cannot run itself as Node.
import { fork } from 'node:child_process';
import type { ParentMessage, WorkerMessage } from './protocol';

export interface ImagingProcess {
  send(message: ParentMessage): void;
  onMessage(listener: (message: WorkerMessage) => void): void;
  /** Called once when the process has gone, whatever the cause; `detail` names it for the log. */
  onExit(listener: (detail: string) => void): void;
  /** Stops the process at once (a hung decoder does not get to finish); resolves when it has gone. */
  kill(): Promise<void>;
}

export interface ImagingLaunchSpec {
  /** The process's entry script. */
  script: URL;
  /** Arguments for the entry (the development bootstrap's TypeScript entry). */
  args: string[];
  /** The environment: the parent's plus the allocator settings (see imagingEnvironment). */
  env: NodeJS.ProcessEnv;
  /** V8 heap ceiling; the pixel buffers live outside it, bounded by the image limits. */
  maxOldGenerationSizeMb: number;
}

export type LaunchImagingProcess = (spec: ImagingLaunchSpec) => ImagingProcess;

/**
 * glibc gives each thread that allocates an arena of its own (up to 8 per core) and keeps the free middle of an
 * arena for itself; libvips' threads fragment them, so a long derivation grew by 100+ MB (bench/sync/README.md).
 * One arena keeps an imaging process flat (~115–120 MB over 200 six-megapixel photos, against 150+ and growing with
 * two); images are decoded one at a time per process, so the threads hardly contend for it. Set for the child
 * only: glibc reads it when a process starts.
 */
export function imagingEnvironment(parent: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...parent, MALLOC_ARENA_MAX: '1' };
}

/**
 * The exit bookkeeping both launchers share: listeners called once, whatever ends the process, and a kill that
 * resolves when it has gone.
 */
export function exitTracker(stop: () => void): { exited(): boolean; exit(detail: string): void; onExit(listener: (detail: string) => void): void; kill(): Promise<void> } {
  let exited = false;
  const listeners: ((detail: string) => void)[] = [];
  return {
    exited: () => exited,
    exit(detail) {
      if (exited) return;
      exited = true;
      for (const listener of listeners) listener(detail);
    },
    onExit: (listener) => listeners.push(listener),
    kill() {
      if (exited) return Promise.resolve();
      const gone = new Promise<void>((resolve) => listeners.push(() => resolve()));
      stop();
      return gone;
    },
  };
}

/** Plain Node: a forked child, messages as structured clones (Uint8Array bytes travel without base64). */
export const forkImagingProcess: LaunchImagingProcess = (spec) => {
  const child = fork(spec.script, spec.args, {
    env: spec.env,
    // The parent's flags (tsx loaders, --expose-gc, the test runner's) are not the child's business.
    execArgv: [`--max-old-space-size=${spec.maxOldGenerationSizeMb}`],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const tracker = exitTracker(() => child.kill('SIGKILL'));
  child.on('exit', (code, signal) => tracker.exit(signal ? `signal ${signal}` : `exit code ${code}`));
  child.on('error', (error) => {
    tracker.exit(`failed: ${error.message}`);
    child.kill('SIGKILL');
  });
  return {
    send(message) {
      if (tracker.exited() || !child.connected) return;
      child.send(message, (error) => {
        if (error) tracker.exit(`channel failed: ${error.message}`);
      });
    },
    onMessage(listener) {
      child.on('message', (message) => listener(message as WorkerMessage));
    },
    onExit: tracker.onExit,
    kill: tracker.kill,
  };
};
