// The imaging launcher thread (launch.ts starts it; bundled as imaging-launcher.js). It starts imaging processes and
// reaps them (a process is reaped by the event loop that started it, so the thread must outlive them); it never sees
// a message to or from them.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parentPort } from 'node:worker_threads';

interface SpawnRequest {
  op: 'spawn';
  ticket: string;
  script: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  execArgv: string[];
}
export type LauncherRequest = SpawnRequest | { op: 'kill'; ticket: string };
/** The thread's reports: a process has started (how long its spawn took the thread), or has ended. */
export type LauncherReport = { ticket: string; spawnMs: number } | { ticket: string; detail: string };

const port = parentPort!;
const children = new Map<string, ChildProcess>();
const post = (report: LauncherReport): void => port.postMessage(report);

port.on('message', (m: LauncherRequest) => {
  if (m.op === 'kill') {
    children.get(m.ticket)?.kill('SIGKILL');
    return;
  }
  let reported = false;
  const report = (detail: string): void => {
    if (reported) return;
    reported = true;
    children.delete(m.ticket);
    post({ ticket: m.ticket, detail });
  };
  try {
    const started = performance.now();
    const child = spawn(process.execPath, [...m.execArgv, fileURLToPath(m.script), ...m.args], { env: m.env, stdio: ['ignore', 'inherit', 'inherit'] });
    post({ ticket: m.ticket, spawnMs: performance.now() - started });
    children.set(m.ticket, child);
    child.on('exit', (code, signal) => report(signal ? 'signal ' + signal : 'exit code ' + code));
    child.on('error', (error) => {
      report('failed: ' + error.message);
      child.kill('SIGKILL');
    });
  } catch (error) {
    report('failed: ' + (error as Error).message);
  }
});
