// The zero-setup central service: the reference server (server/) on PGlite in the data folder, seeded with
// demo people and applications, started inside this app on a worker thread so that its WebAssembly database
// never holds the main event loop.
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { DomainError } from '../../shared/errors';
import type { TokenVault } from '../sync/client';
import type { CentralConfig, CentralMode } from './central';
import { demoPassword } from './demo';
import { workerScript } from '../common/workerScript';
import { deriveKey, type KeyProvider } from '../common/keys';

export interface EmbeddedCentral {
  url: string;
  close(): Promise<void>;
}

export interface EmbeddedCentralOptions {
  /** The workstation's data folder: the service keeps its database there only as a sealed snapshot (centralSnapshot.ts). */
  dataDir: string;
  /** The snapshot's key (derived from the data folder's master key, purpose 'central'). */
  key: Buffer;
  /** How often a snapshot is saved while there were writes; default 30 s. */
  snapshotEveryMs?: number;
  /** Demo applications seeded into a new database. */
  demoCount: number;
  /** The bundled worker entry of a build (out/main/central-worker.js); sources find their own. */
  workerScript?: URL;
}

export interface EmbeddedCentralWorkerData {
  entry?: string;
  dataDir: string;
  key: Uint8Array;
  snapshotEveryMs?: number;
  demoCount: number;
}

export type EmbeddedCentralMessage = { type: 'ready'; url: string } | { type: 'failed'; message: string };


export async function startEmbeddedCentral(options: EmbeddedCentralOptions): Promise<EmbeddedCentral> {
  try {
    mkdirSync(options.dataDir, { recursive: true });
  } catch (error) {
    throw new DomainError('central_failed', `The built-in central service cannot keep its data in ${options.dataDir}: ${(error as Error).message}`);
  }
  const resolved = options.workerScript ? { script: options.workerScript } : workerScript(import.meta.url, './embeddedCentral.worker.ts', 'central-worker');
  const workerData: EmbeddedCentralWorkerData = {
    dataDir: options.dataDir,
    key: options.key,
    demoCount: options.demoCount,
    ...(options.snapshotEveryMs === undefined ? {} : { snapshotEveryMs: options.snapshotEveryMs }),
    ...(resolved.entry ? { entry: resolved.entry } : {}),
  };
  // The service validates intake images with sharp on its worker thread. libvips must be loaded by the main thread
  // before any worker loads it, or glibc may unload it under a live worker when that worker exits (sharp's
  // documented requirement for worker threads); only then, so a workstation with a real central has no libvips.
  await import('sharp');
  const worker = new Worker(resolved.script, { workerData });
  const url = await new Promise<string>((resolve, reject) => {
    worker.once('message', (message: EmbeddedCentralMessage) =>
      message.type === 'ready' ? resolve(message.url) : reject(new DomainError('central_failed', `The built-in central service did not start: ${message.message}`)),
    );
    worker.once('error', (error) => reject(new DomainError('central_failed', `The built-in central service did not start: ${error.message}`)));
    worker.once('exit', (code) => reject(new DomainError('central_failed', `The built-in central service stopped (exit code ${code}) before it was ready.`)));
  });
  worker.on('error', (error) => console.error('[central] worker failed', error));
  let closing: Promise<void> | null = null;
  return {
    url,
    close() {
      closing ??= (async () => {
        const exited = once(worker, 'exit');
        worker.postMessage({ type: 'close' });
        // PGlite flushes its files on close; give it time, then end the thread regardless.
        const timer = setTimeout(() => void worker.terminate(), 10_000);
        await exited;
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}

/** Whom the built-in service signs in at start, so a new user lands in a working queue. */
export const builtInDemoSignIn = { username: 'reviewer1', password: demoPassword } as const;

/**
 * What a central mode needs before the workstation opens: the built-in service started (sealed in `<dataDir>/central.sealed`)
 * for 'embedded', the workstation's central configuration (null when standalone), and what to close at the end.
 */
export async function prepareCentral(
  mode: CentralMode,
  options: { dataDir: string; demoCount: number; keyProvider: KeyProvider; workerScript?: URL; vault?: TokenVault },
): Promise<{ config: CentralConfig | null; embedded: EmbeddedCentral | null }> {
  const vault = options.vault ? { vault: options.vault } : {};
  if (mode.mode === 'remote') return { config: { url: mode.url, embedded: false, ...vault }, embedded: null };
  if (mode.mode === 'standalone') return { config: null, embedded: null };
  const embedded = await startEmbeddedCentral({
    dataDir: options.dataDir,
    key: deriveKey(options.keyProvider, 'central'),
    demoCount: options.demoCount,
    ...(options.workerScript ? { workerScript: options.workerScript } : {}),
  });
  return { config: { url: embedded.url, embedded: true, ...vault }, embedded };
}
