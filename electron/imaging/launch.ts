// Starting an imaging process. The pool only needs a message channel, an exit signal and a kill; how the process
// starts differs by host: plain Node (browser host, tests, benchmarks) starts a Node child here, Electron's main
// process passes a launcher built on utilityProcess (electron/main/imagingProcess.ts), since a packaged app
// cannot run itself as Node.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { log } from '../common/log';
import { workerScript } from '../common/workerScript';
import { channelVariable, readFrames, ticketVariable, writeFrame, type ChannelHello } from './channel';
import type { LauncherReport, LauncherRequest } from './launcherThread';
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

interface Listener {
  address: string;
  server: Server;
  removeFolder(): void;
}

/** What the launcher knows of one process: where its messages go once it has connected, and how it ends. */
interface Started {
  /** Its channel, once it has connected. */
  socket: Socket | null;
  connected(socket: Socket): void;
  deliver(message: unknown): void;
  exited(detail: string): void;
}

/**
 * Starts imaging processes from a thread of its own, so the main thread never waits for a `fork()`: under plain
 * Node `child_process` blocks its caller until the child has exec'd (12 ms on a quiet 2-core machine, 50–70 ms
 * on a busy one: bench/sync/README.md). Messages do not pass through the thread (relaying images through one cost
 * ~60 MB): each process connects back to a local socket of the main thread and names itself with a one-time
 * ticket. The socket is in a folder only this user can enter, and exists while any process does. One launcher
 * serves the app's life; its thread holds the app open only while a process it started lives.
 */
class ProcessLauncher {
  private readonly thread: Worker;
  /** The socket processes connect to: only while any of them lives, so that a killed app leaves no folder behind. */
  private listener: Listener | null = null;
  private readonly processes = new Map<string, Started>();
  private stopped = false;

  constructor() {
    // launcherThread.ts: from sources through the development bootstrap, from a bundle imaging-launcher.js beside it.
    const resolved = workerScript(import.meta.url, './launcherThread.ts', 'imaging-launcher');
    this.thread = new Worker(resolved.script, { workerData: resolved.entry ? { entry: resolved.entry } : {}, name: 'Verity imaging launcher', resourceLimits: { maxOldGenerationSizeMb: 16 } });
    this.thread.on('message', (report: LauncherReport) => {
      // The spawn's duration is what the main thread would have waited under child_process (and may still wait for
      // at a page fault while the kernel copies this process's page tables for the fork).
      if ('spawnMs' in report) log.info('imaging: process started', { spawnMs: Math.round(report.spawnMs * 10) / 10 });
      else this.ended(report.ticket, report.detail);
    });
    this.thread.on('error', (error) => log.error('imaging: launcher thread failed', { detail: error.message }));
    this.thread.on('exit', () => {
      // Not expected while the app runs. Its processes can no longer be stopped or reaped from here: their channels
      // are closed (they exit then, and are reaped by the system), and the next start gets a new launcher.
      this.stopped = true;
      this.unlisten();
      for (const ticket of [...this.processes.keys()]) this.ended(ticket, 'launcher thread stopped');
    });
  }

  /** False once its thread has gone (then a new launcher is made). */
  get usable(): boolean {
    return !this.stopped;
  }

  start(spec: ImagingLaunchSpec): ImagingProcess {
    this.thread.ref();
    const ticket = randomBytes(16).toString('hex');
    const outbox: ParentMessage[] = [];
    const listeners: ((message: WorkerMessage) => void)[] = [];
    const tracker = exitTracker(() => this.request({ op: 'kill', ticket }));
    const started: Started = {
      socket: null,
      connected: (connection) => {
        started.socket = connection;
        // The process exits by itself when its channel closes; the kill makes sure. Its exit is reported by the thread.
        connection.on('close', () => this.request({ op: 'kill', ticket }));
        for (const message of outbox.splice(0)) writeFrame(connection, message);
      },
      deliver: (message) => {
        for (const listener of listeners) listener(message as WorkerMessage);
      },
      exited: (detail) => tracker.exit(detail),
    };
    this.processes.set(ticket, started);
    this.request({
      op: 'spawn',
      ticket,
      script: spec.script.href,
      args: spec.args,
      env: { ...spec.env, [channelVariable]: this.listen(), [ticketVariable]: ticket },
      // The parent's flags (tsx loaders, --expose-gc, the test runner's) are not the child's business.
      execArgv: [`--max-old-space-size=${spec.maxOldGenerationSizeMb}`],
    });
    return {
      send(message) {
        if (tracker.exited()) return;
        if (started.socket) writeFrame(started.socket, message);
        else outbox.push(message);
      },
      onMessage: (listener) => listeners.push(listener),
      onExit: tracker.onExit,
      kill: tracker.kill,
    };
  }

  /** A connection speaks first: the ticket of a process this launcher started and has not heard from, or it is closed. */
  private admit(socket: Socket): void {
    socket.on('error', () => undefined); // 'close' follows
    const timer = setTimeout(() => socket.destroy(), helloTimeoutMs);
    let owner: Started | null = null;
    readFrames(
      socket,
      (message) => {
        if (owner) {
          owner.deliver(message);
          return;
        }
        clearTimeout(timer);
        const ticket = (message as Partial<ChannelHello> | null)?.ticket;
        const started = typeof ticket === 'string' ? this.processes.get(ticket) : undefined;
        // A ticket names one connection only: a process that already has its channel is not taken over.
        if (!started || started.socket) {
          socket.destroy();
          return;
        }
        owner = started;
        started.connected(socket);
      },
      (reason) => {
        log.warn('imaging: channel broken; stopping its process', { reason });
        socket.destroy();
      },
    );
  }

  private ended(ticket: string, detail: string): void {
    const started = this.processes.get(ticket);
    if (!started) return;
    this.processes.delete(ticket);
    // Ended, not destroyed: a last answer still in the socket is read first.
    started.socket?.end();
    started.exited(detail);
    // Idle, the thread must not keep the app from exiting; it stays for the next start (creating a thread cost the
    // main thread tens of ms in a CPU profile, and the pool replaces processes often).
    if (this.processes.size === 0) {
      this.thread.unref();
      this.unlisten();
    }
  }

  /** The address to connect to, listening first if nothing is. */
  private listen(): string {
    if (this.listener) return this.listener.address;
    const folder = process.platform === 'win32' ? null : mkdtempSync(join(tmpdir(), 'verity-imaging-'));
    const address = folder ? join(folder, 'channel') : `\\\\.\\pipe\\verity-imaging-${randomBytes(12).toString('hex')}`;
    const server = createServer((socket) => this.admit(socket));
    server.on('error', (error) => log.error('imaging: channel listener failed', { detail: error.message }));
    server.listen(address);
    server.unref();
    // The folder goes with the app, however it exits (a signal's default action aside).
    const removeFolder = (): void => {
      if (folder) rmSync(folder, { recursive: true, force: true });
    };
    process.once('exit', removeFolder);
    this.listener = { address, server, removeFolder };
    return address;
  }

  private unlisten(): void {
    if (!this.listener) return;
    const { server, removeFolder } = this.listener;
    this.listener = null;
    server.close();
    process.off('exit', removeFolder);
    removeFolder();
  }

  private request(message: LauncherRequest): void {
    this.thread.postMessage(message);
  }
}

const helloTimeoutMs = 30_000;
let launcher: ProcessLauncher | null = null;

/** Plain Node: a Node child started from the launcher thread; messages over a local socket (channel.ts). */
export const forkImagingProcess: LaunchImagingProcess = (spec) => {
  if (!launcher?.usable) launcher = new ProcessLauncher();
  return launcher.start(spec);
};
