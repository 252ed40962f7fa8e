// Background derivation runs below normal priority: decoding and encoding photos takes a core for minutes, and the
// app's main process (the engine, the store, the UI's requests) must get a core the moment it wants one. Measured on
// a 2-core machine: an idle event loop beside two busy processes of equal priority paused up to 101–105 ms; with the
// two at niceness 10, 6 ms (once 30; bench/sync/README.md). The pool decides which process lowers itself (pool.ts, JobLane).
import { readdirSync } from 'node:fs';
import { constants, getPriority, setPriority } from 'node:os';

/** Niceness 10 on Unix; the BELOW_NORMAL priority class on Windows (libuv maps it). */
export const imagingPriority = constants.priority.PRIORITY_BELOW_NORMAL;

export interface LoweredPriority {
  priority: number;
  /** Threads whose priority was set (Linux sets it per thread); 1 elsewhere. */
  threads: number;
  /** Why it could not be lowered, if it could not (the process then runs at normal priority, nothing else changes). */
  failed?: string;
}

/**
 * Lowers the calling process's priority, every thread of it, for good (raising it again needs a privilege). On Linux a
 * niceness belongs to a thread, and a thread inherits it from the thread that starts it, so the threads that exist
 * already (V8's, libuv's) are lowered one by one and the ones started later (libvips') inherit it. On macOS and
 * Windows the priority is the process's. Lowering one's own priority needs no privilege.
 */
export function lowerOwnPriority(priority: number = imagingPriority, threadsFolder = '/proc/self/task'): LoweredPriority {
  try {
    if (process.platform !== 'linux') {
      setPriority(0, priority);
      return { priority: getPriority(0), threads: 1 };
    }
    const threads = readdirSync(threadsFolder).map(Number);
    for (const thread of threads) {
      try {
        setPriority(thread, priority);
      } catch (error) {
        // A thread that ended since the folder was read (Node's SystemError names the errno in `info`).
        if ((error as { info?: { code?: string } }).info?.code !== 'ESRCH') throw error;
      }
    }
    return { priority: getPriority(0), threads: threads.length };
  } catch (error) {
    return { priority: getPriority(0), threads: 0, failed: error instanceof Error ? error.message : String(error) };
  }
}
