// Development and test bootstrap for the imaging worker: registers tsx inside the worker thread, then imports the
// TypeScript entry. (`execArgv: ['--import', 'tsx']` does not reach worker threads on Node 20.) Never bundled.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
