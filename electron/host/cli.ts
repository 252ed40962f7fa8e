// `npm run start:browser`: the whole app in a browser, through the browser host.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { demoPassword } from '../api/demo';
import { parseCentralMode, type CentralMode } from '../api/central';
import { builtInDemoSignIn, prepareCentral, type EmbeddedCentral } from '../api/embeddedCentral';
import { openWorkstation, type Workstation, type WorkstationOptions } from '../api/workstation';
import { dataFolderContents, ExplicitKeyProvider, HexKeyFile } from '../common/keys';
import { finishInterruptedRekey, rekeyDataFolder } from '../api/rekey';
import { startHost, type RunningHost } from './server';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function fail(message: string): never {
  process.stderr.write(`verity: ${message}\n`);
  process.exit(2);
}

/** The data folder's key: VERITY_DATA_KEY as given (it cannot be rotated), or a key file (which can). */
function loadKey(dataDir: string, keyFile: string | undefined): ExplicitKeyProvider | HexKeyFile {
  const fromEnv = process.env.VERITY_DATA_KEY;
  if (fromEnv) {
    if (!/^[0-9a-f]{64}$/i.test(fromEnv)) fail('VERITY_DATA_KEY must be 64 hex characters (32 bytes).');
    return new ExplicitKeyProvider(Buffer.from(fromEnv, 'hex'));
  }
  // Without safeStorage the browser host cannot protect the key; it lives beside the data, which is
  // acceptable only because this host is for development and tests (the Electron app wraps its key).
  const path = keyFile ?? join(dataDir, 'host-dev.key');
  if (!existsSync(path)) {
    // A new key for a folder that holds data would only make a second, unreadable store beside it.
    const held = dataFolderContents(dataDir);
    if (held.length > 0) {
      fail(`The data folder ${dataDir} holds data (${held.join(', ')}) but not its key: no VERITY_DATA_KEY, and no key file at ${path}. Give the key it was made with (VERITY_DATA_KEY or --key-file), or choose another --data folder.`);
    }
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, randomBytes(32).toString('hex') + '\n', { mode: 0o600 });
  }
  const keys = new HexKeyFile(path);
  try {
    keys.masterKey();
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  return keys;
}

function openBrowser(url: string): void {
  const command = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(command, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`verity: no system browser could be opened; open ${url} yourself.\n`));
  child.unref();
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      data: { type: 'string' },
      'key-file': { type: 'string' },
      json: { type: 'boolean', default: false },
      open: { type: 'boolean', default: false },
      demo: { type: 'boolean', default: false },
      empty: { type: 'boolean', default: false },
      'demo-count': { type: 'string' },
      'sign-in': { type: 'string' },
      central: { type: 'string' },
      rekey: { type: 'boolean', default: false },
    },
    allowPositionals: false,
  });
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail('--port takes a number from 0 to 65535 (0 picks a free one).');
  const dataDir = resolve(values.data ?? join(root, '.data', 'host'));
  if (values.empty && values.demo) fail('--empty and --demo exclude each other.');
  const demoCount = values['demo-count'] === undefined ? 40 : Number(values['demo-count']);
  if (!Number.isInteger(demoCount) || demoCount < 1 || demoCount > 5000) fail('--demo-count takes a number from 1 to 5000.');
  const rendererDir = join(root, 'out', 'renderer');
  const clientScript = join(root, 'out', 'host', 'workstation.js');
  if (!existsSync(join(rendererDir, 'index.html')) || !existsSync(clientScript)) fail('The app is not built. Run `npm run build` first (npm run start:browser does it for you).');

  let central: CentralMode;
  try {
    central = parseCentralMode(values.central ?? process.env.VERITY_CENTRAL_URL);
  } catch (error) {
    fail(`--central: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (central.mode === 'remote' && values.demo) fail('--demo seeds the built-in or standalone modes; a central service at a URL has its own data.');
  // Progress goes to stderr (as log lines do) so that --json's one line is the first line of stdout.
  const progress = (line: string) => process.stderr.write(`${line}\n`);

  if (central.mode === 'embedded') progress('Starting the built-in central service (a new data folder gets its demo data first)…');
  const keyProvider = loadKey(dataDir, values['key-file']);
  if (keyProvider instanceof HexKeyFile) {
    // A rotation a crash cut short is finished before anything opens the folder; --rekey starts a new one.
    if (await finishInterruptedRekey(dataDir, keyProvider)) progress('Finished rotating the data key (a rotation was pending).');
    if (values.rekey) {
      const report = await rekeyDataFolder(dataDir, keyProvider, { onProgress: ({ done, total }) => done === total && progress(`Data key rotated: ${total} files re-encrypted under the new key.`) });
      if (report.blobs.unreadable > 0) progress(`${report.blobs.unreadable} image file(s) were damaged before the rotation and stay unreadable.`);
    }
  } else if (values.rekey) {
    fail('--rekey rotates a key file; a key given in VERITY_DATA_KEY cannot be replaced by Verity. Move it to a key file (--key-file) first.');
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  let host: RunningHost | null = null;
  /** The built-in service (if any) and the workstation; opened again after a restart. */
  const openApp = async (): Promise<{ workstation: Workstation; embedded: EmbeddedCentral | null }> => {
    const { config, embedded } = await prepareCentral(central, { dataDir, demoCount: values.empty ? 0 : demoCount, keyProvider });
    // The built-in demo service signs its reviewer in unless --sign-in names someone else (or none).
    let signIn: { username: string; password: string } | null = embedded && !values.empty ? builtInDemoSignIn : null;
    if (values['sign-in'] === 'none') signIn = null;
    else if (values['sign-in'] !== undefined) signIn = { username: values['sign-in'], password: process.env.VERITY_PASSWORD ?? demoPassword };
    const options: WorkstationOptions = {
      dataDir,
      host: 'browser',
      version: pkg.version,
      keyProvider,
      ...(config ? { central: config } : {}),
      // Standalone: a new data folder gets local demo people and applications unless --empty asks for none.
      ...(central.mode === 'standalone' && !values.empty
        ? {
            demo: {
              count: demoCount,
              onProgress: (done: number, total: number) => {
                if (done === total || done % 20 < 2) progress(`Preparing demo data (first start only): ${done} of ${total} document images`);
              },
            },
          }
        : {}),
      ...(signIn ? { signIn } : {}),
      restart: () => void restart(),
    };
    const workstation = await openWorkstation(options).catch(async (error: unknown) => {
      await embedded?.close();
      throw error;
    });
    return { workstation, embedded };
  };
  // The in-app key rotation's restart: the same address and token, the workstation closed, the rotation the request
  // prepared finished on the closed folder, and everything opened again. A failure ends the host: the next start
  // finishes the rotation (the new key is kept beside the old one until every file is done).
  const restart = () =>
    host!
      .restartWith(async (old) => {
        await old.close();
        await running.embedded?.close();
        if (keyProvider instanceof HexKeyFile && (await finishInterruptedRekey(dataDir, keyProvider))) progress('Data key rotated; opening the workstation again.');
        running = await openApp();
        return running.workstation;
      })
      .catch((error: unknown) => fail(`restarting after the data key rotation failed: ${error instanceof Error ? error.message : String(error)}. Start Verity again: it finishes the rotation first.`));
  let running = await openApp();
  host = await startHost({ workstation: running.workstation, rendererDir, clientScript, port });
  const url = `${host.url}#token=${host.token}`;
  // `url` is the base the HTTP API hangs under (scripts call `${url}api/…`); `openUrl` opens the app with its token.
  if (values.json) process.stdout.write(JSON.stringify({ url: host.url, token: host.token, openUrl: url }) + '\n');
  else {
    const centralLine = running.embedded ? `built-in demo service at ${running.embedded.url}` : central.mode === 'remote' ? central.url : 'none (standalone)';
    process.stdout.write(`Verity is running in the browser host.\nOpen ${url}\nData folder: ${dataDir}\nCentral service: ${centralLine}\nPress Ctrl+C to stop.\n`);
  }
  if (values.open) openBrowser(url);

  const stop = async () => {
    await host?.close();
    await running.workstation.close();
    await running.embedded?.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
