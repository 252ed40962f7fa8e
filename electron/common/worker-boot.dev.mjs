// Development and test bootstrap for worker threads and child processes started from TypeScript sources: registers
// tsx, then imports the TypeScript entry (a thread's `workerData.entry`, a process's first argument). Worker
// threads need it because `execArgv: ['--import', 'tsx']` does not reach them on Node 20; processes, so that tsx
// resolves from this repository whatever the working directory. Never bundled.
import { isMainThread, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(isMainThread ? process.argv[2] : workerData.entry);
