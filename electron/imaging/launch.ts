// Starting an imaging process. The pool only needs a message channel, an exit signal and a kill; how the process
// starts differs by host: plain Node (browser host, tests, benchmarks) forks a Node child here, Electron's main
// process passes a launcher built on utilityProcess (electron/main/imagingProcess.ts), since a packaged app
// cannot run itself as Node.
import { setPriority } from 'node:os';
import { Worker } from 'node:worker_threads';
import { log } from '../api/log';
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
 * Imaging is background work: below the UI and the sync engine when the cores are contended, at full speed when
 * they are not. Failure (a platform that refuses) only costs that preference.
 */
export function lowerPriority(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    setPriority(pid, 10);
  } catch (error) {
    log.warn('imaging: could not lower the imaging process priority', { detail: (error as Error).message });
  }
}

/**
 * Plain Node's launcher thread. fork() blocks the calling thread until the child has exec'd (12 ms on a quiet
 * 2-core machine, 70 ms and more on a busy one), so imaging processes are forked, and their IPC channels served,
 * from this small thread rather than from the app's event loop. Plain JavaScript (CommonJS, as an eval'd worker
 * is): it needs no build entry of its own and nothing to compile. Messages: in {spawn, id, spec} | {send, id} |
 * {kill, id}; out {id, message} | {id, exit} | {warn}.
 */
const launcherSource = `
const { parentPort } = require('node:worker_threads');
const { fork } = require('node:child_process');
const { setPriority } = require('node:os');
const children = new Map();
const exited = (id, detail) => {
  if (!children.has(id)) return;
  children.delete(id);
  parentPort.postMessage({ id, exit: detail });
};
parentPort.on('message', (m) => {
  if (m.spawn) {
    const { id, spec } = m;
    let child;
    try {
      child = fork(new URL(spec.script), spec.args, {
        env: spec.env,
        execArgv: ['--max-old-space-size=' + spec.maxOldGenerationSizeMb],
        serialization: 'advanced',
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
    } catch (error) {
      parentPort.postMessage({ id, exit: 'failed: ' + error.message });
      return;
    }
    children.set(id, child);
    try {
      if (child.pid !== undefined) setPriority(child.pid, 10);
    } catch (error) {
      parentPort.postMessage({ warn: 'could not lower the imaging process priority: ' + error.message });
    }
    child.on('message', (message) => parentPort.postMessage({ id, message }));
    child.on('exit', (code, signal) => exited(id, signal ? 'signal ' + signal : 'exit code ' + code));
    child.on('error', (error) => {
      exited(id, 'failed: ' + error.message);
      child.kill('SIGKILL');
    });
  } else if (m.send) {
    const child = children.get(m.id);
    if (child && child.connected) child.send(m.send, (error) => { if (error) { exited(m.id, 'channel failed: ' + error.message); child.kill('SIGKILL'); } });
  } else if (m.kill) {
    const child = children.get(m.id);
    if (child) child.kill('SIGKILL');
  }
});
`;

type LauncherReply = { id: number; message: WorkerMessage } | { id: number; exit: string } | { warn: string };

interface ChildHandle {
  onMessage: ((message: WorkerMessage) => void)[];
  onExit: ((detail: string) => void)[];
}

/** One launcher thread per app, referenced (keeping the app alive) only while it has children. */
class LauncherThread {
  private readonly worker = new Worker(launcherSource, { eval: true });
  private readonly children = new Map<number, ChildHandle>();
  private nextId = 1;
  broken = false;

  constructor() {
    this.worker.unref();
    this.worker.on('message', (reply: LauncherReply) => {
      if ('warn' in reply) {
        log.warn(`imaging: ${reply.warn}`);
        return;
      }
      const child = this.children.get(reply.id);
      if (!child) return;
      if ('message' in reply) for (const listener of child.onMessage) listener(reply.message);
      else this.gone(reply.id, reply.exit);
    });
    const failed = (detail: string): void => {
      this.broken = true;
      for (const id of [...this.children.keys()]) this.gone(id, detail);
    };
    this.worker.on('error', (error) => failed(`launcher thread failed: ${error.message}`));
    this.worker.on('exit', (code) => failed(`launcher thread exited (${code})`));
  }

  launch(spec: ImagingLaunchSpec): ImagingProcess {
    const id = this.nextId++;
    const handle: ChildHandle = { onMessage: [], onExit: [] };
    this.children.set(id, handle);
    this.worker.ref();
    this.worker.postMessage({ spawn: true, id, spec: { ...spec, script: spec.script.href } });
    return {
      send: (message) => {
        if (this.children.has(id)) this.worker.postMessage({ send: message, id });
      },
      onMessage: (listener) => handle.onMessage.push(listener),
      onExit: (listener) => handle.onExit.push(listener),
      kill: () => {
        if (!this.children.has(id)) return Promise.resolve();
        const gone = new Promise<void>((resolve) => handle.onExit.push(() => resolve()));
        this.worker.postMessage({ kill: true, id });
        return gone;
      },
    };
  }

  private gone(id: number, detail: string): void {
    const handle = this.children.get(id);
    if (!handle) return;
    this.children.delete(id);
    if (this.children.size === 0) this.worker.unref();
    for (const listener of handle.onExit) listener(detail);
  }
}

let launcher: LauncherThread | null = null;

/** Plain Node: a forked child (from the launcher thread), messages as structured clones (bytes without base64). */
export const forkImagingProcess: LaunchImagingProcess = (spec) => {
  if (!launcher || launcher.broken) launcher = new LauncherThread();
  return launcher.launch(spec);
};
