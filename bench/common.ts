// What the benchmarks read from their command line and print about the machine, the same way in each, and the browser
// host the rendered ones drive (bench/ui, bench/supervisor/rendered.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus, platform, release, totalmem } from 'node:os';
import { createInterface } from 'node:readline';

/** The value after `--name` on this process's command line, if given. */
export function argValue(name: string): string | undefined {
  const args = process.argv.slice(2);
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** CPU, cores, memory, OS and Node, for a result's heading. */
export function machine(): string {
  return `${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), ${(totalmem() / 2 ** 30).toFixed(0)} GB RAM, ${platform()} ${release()}, Node ${process.version}`;
}

/**
 * Bundles a bench's entries with esbuild as electron-vite builds the app (packages stay external and resolve from the
 * repository's node_modules) into `outdir`, as `<name>.mjs`: a bench measures the workstation as shipped, without tsx's
 * loader (~37 MB a process). The store writer's and imaging's entries keep the names their launchers look for.
 */
export async function bundleEntries(outdir: string, entryPoints: Record<string, string>): Promise<void> {
  const { build } = await import('esbuild');
  await build({ entryPoints, outdir, outExtension: { '.js': '.mjs' }, bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', logLevel: 'error' });
}

/** A browser host a bench started (electron/host/cli.ts --json), with its HTTP channels. */
export interface BenchHost {
  child: ChildProcess;
  /** The base the HTTP API hangs under; `openUrl` opens the app with its token. */
  url: string;
  token: string;
  openUrl: string;
  /** From spawning it until it printed its address. */
  startMs: number;
  /** One channel over the host's HTTP API; an error answer throws with its code and message. */
  call<T>(channel: string, body: unknown): Promise<T>;
}

/** Every wait has a limit and names what it waited for: a host that never prints its address fails the bench. */
const HOST_START_LIMIT_MS = 5 * 60_000;

/**
 * Starts the browser host of the checkout at `cwd` on `dataDir` (`central`: a central service's URL, or 'none'),
 * signed in as `signIn`, and waits for its address (its one --json line on stdout; its log goes to this stderr).
 */
export async function startHost(options: { cwd: string; dataDir: string; central: string; signIn: string; keyFile?: string }): Promise<BenchHost> {
  const started = Date.now();
  const keyFile = options.keyFile ? ['--key-file', options.keyFile] : [];
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'electron/host/cli.ts', '--json', '--central', options.central, '--data', options.dataDir, ...keyFile, '--sign-in', options.signIn],
    { cwd: options.cwd, env: { ...process.env, VERITY_QUIET: '1' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const line = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`the browser host printed no address within ${HOST_START_LIMIT_MS / 1000} s`)), HOST_START_LIMIT_MS);
    createInterface({ input: child.stdout! }).once('line', (l) => (clearTimeout(timer), ok(l)));
    child.once('exit', (code) => (clearTimeout(timer), fail(new Error(`the browser host exited with ${code} before printing its address`))));
  }).catch(async (error: unknown) => {
    await stopHost(child);
    throw error;
  });
  const { url, token, openUrl } = JSON.parse(line) as { url: string; token: string; openUrl: string };
  const call = async <T>(channel: string, body: unknown): Promise<T> => {
    const res = await fetch(`${url}api/${channel}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
    const answer = (await res.json()) as { ok: true; value: T } | { ok: false; error: { code: string; message: string } };
    if (!answer.ok) throw new Error(`${channel}: ${answer.error.code} ${answer.error.message}`);
    return answer.value;
  };
  return { child, url, token, openUrl, startMs: Date.now() - started, call };
}

/** Stops a host and waits for it to exit: SIGTERM, then SIGKILL after 15 s; at once if it has exited already. */
export async function stopHost(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => {
    process.stderr.write('bench: the browser host did not exit within 15 s of SIGTERM; killing it\n');
    child.kill('SIGKILL');
  }, 15_000);
  await exited;
  clearTimeout(timer);
}
