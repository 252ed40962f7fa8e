// Where a worker thread's (or the imaging process's) script is, for the module at `callerUrl` (its import.meta.url):
//  - running from TypeScript sources (vitest, tsx): worker-boot.dev.mjs next to this file, which registers tsx in the
//    thread or process and imports `source` (resolved against the caller);
//  - running from a bundle: `<bundle>` with the caller's extension next to the caller's bundle (out/main/<bundle>.js
//    from electron.vite.config.ts; .mjs in the benchmarks' and the crash test's esbuild bundles).
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

export function workerScript(callerUrl: string, source: string, bundle: string): { script: URL; entry?: string } {
  if (callerUrl.endsWith('.ts')) return { script: new URL('./worker-boot.dev.mjs', import.meta.url), entry: new URL(source, callerUrl).href };
  return { script: new URL(`./${bundle}${extname(fileURLToPath(callerUrl)) || '.js'}`, callerUrl) };
}
