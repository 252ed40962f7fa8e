// The Electron main process: thin glue binding the plain-Node workstation to Electron.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, session } from 'electron';
import { parseCentralMode } from '../api/central';
import { builtInDemoSignIn, prepareCentral, type EmbeddedCentral } from '../api/embeddedCentral';
import { openWorkstation, type Workstation, type WorkstationOptions } from '../api/workstation';
import { installedCjkFont, packagedCjkFont } from '../api/cjkFont';
import { finishInterruptedRekey } from '../api/rekey';
import { fileVault } from '../sync/fileVault';
import { log } from '../common/log';
import { keychainVerdict, WrappedFileKeyProvider } from '../common/keys';
import { launchUtilityImagingProcess } from './imagingProcess';
import { bindIpc, forwardEvents } from './ipc';
import { sqliteBindingPath } from './natives';
import { privilegedSchemes, registerProtocols } from './protocol';
import { relaunchAfterClosing } from './relaunch';
import { bindSaveExport } from './saveExport';
import { denyPermissions, hardenWebContents } from './security';
import { createMainWindow } from './window';

const here = fileURLToPath(new URL('.', import.meta.url));
let workstation: Workstation | null = null;
let embedded: EmbeddedCentral | null = null;

protocol.registerSchemesAsPrivileged(privilegedSchemes);
app.enableSandbox();

// `--data=DIR` gives a separate data folder (end-to-end tests use a fresh one per test).
const dataArg = process.argv.find((a) => a.startsWith('--data='));
if (dataArg) app.setPath('userData', resolve(dataArg.slice('--data='.length)));
// `--central=URL` syncs with that central service, `--central=none` works standalone; without it the
// built-in demo service starts (see electron/api/embeddedCentral.ts).
const centralArg = process.argv.find((a) => a.startsWith('--central='))?.slice('--central='.length);

async function start(): Promise<void> {
  await app.whenReady();
  denyPermissions(session.defaultSession);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  const keychain = keychainVerdict({
    available: safeStorage.isEncryptionAvailable(),
    platform: process.platform,
    backend: process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : null,
    allowPlainText: process.argv.includes('--allow-plaintext-key'),
  });
  if (!keychain.use) {
    dialog.showErrorBox('Verity cannot protect its data', keychain.reason);
    app.exit(1);
    return;
  }
  if (keychain.warning) dialog.showMessageBoxSync({ type: 'warning', title: 'The data key is not protected', message: keychain.warning, buttons: ['Continue'] });
  const dataDir = app.getPath('userData');
  const keyProvider = new WrappedFileKeyProvider(join(dataDir, 'data.key'), {
    wrap: (key) => safeStorage.encryptString(key.toString('base64')),
    unwrap: (wrapped) => Buffer.from(safeStorage.decryptString(wrapped), 'base64'),
  });
  const sqliteNativeBinding = sqliteBindingPath({
    packaged: app.isPackaged,
    resourcesPath: process.resourcesPath,
    appPath: app.getAppPath(),
    electronVersion: process.versions.electron ?? '',
  });
  // A key rotation a crash cut short is finished before anything opens the data folder (electron/api/rekey.ts).
  await finishInterruptedRekey(dataDir, keyProvider, { nativeBinding: sqliteNativeBinding });
  const prepared = await prepareCentral(parseCentralMode(centralArg ?? process.env.VERITY_CENTRAL_URL), {
    dataDir,
    demoCount: 40,
    keyProvider,
    workerScript: new URL('./central-worker.js', import.meta.url),
    // The central session's tokens survive restarts only wrapped by the OS keychain.
    vault: fileVault(join(dataDir, 'central-session.bin'), {
      wrap: (plain) => safeStorage.encryptString(plain),
      unwrap: (wrapped) => safeStorage.decryptString(wrapped),
    }),
  });
  embedded = prepared.embedded;
  const options: WorkstationOptions = {
    dataDir,
    host: 'electron',
    version: app.getVersion(),
    keyProvider,
    imagingWorker: new URL('./imaging-worker.js', import.meta.url),
    launchImaging: launchUtilityImagingProcess,
    storeWriterWorker: new URL('./store-writer.js', import.meta.url),
    // electron-builder copies it to resources/fonts (extraResources); unpackaged, its package in node_modules.
    cjkFont: app.isPackaged ? join(process.resourcesPath, 'fonts', packagedCjkFont) : installedCjkFont(),
    sqliteNativeBinding,
    // Standalone (--central=none): a new data folder gets local demo people and applications.
    ...(prepared.config ? { central: prepared.config } : { demo: { count: 40 } }),
    ...(embedded ? { signIn: builtInDemoSignIn } : {}),
    // Rotating the data key from the app: the new key is saved; the next process finishes the rotation at its start.
    restart: () => relaunchAfterClosing({ app, close: closeAll, onError: (error) => log.error('closing before the restart failed', { error: String(error) }) }),
  };
  workstation = await openWorkstation(options);
  registerProtocols(protocol, join(here, '../renderer'), workstation);
  bindIpc(ipcMain, workstation);
  bindSaveExport(ipcMain, workstation, { dialog, windowOf: (contents) => BrowserWindow.fromWebContents(contents), downloads: () => app.getPath('downloads') });
  forwardEvents(workstation, () => BrowserWindow.getAllWindows().map((w) => w.webContents));
  createMainWindow(join(here, '../preload/index.cjs'));
}

/** The workstation, then the built-in service: everything that holds the data folder open. */
async function closeAll(): Promise<void> {
  await workstation?.close();
  workstation = null;
  await embedded?.close();
  embedded = null;
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    void workstation
      ?.close()
      .then(() => embedded?.close())
      .catch(() => undefined);
  });
  start().catch((err: unknown) => {
    dialog.showErrorBox('Verity could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
  });
}
