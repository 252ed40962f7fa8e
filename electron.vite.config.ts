import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Custom roots (electron/main, electron/preload, renderer/) instead of the template's src/.
// `dependencies` (better-sqlite3-multiple-ciphers, sharp, …) stay external to the main bundle; the
// preload and the renderer are fully bundled. Targets follow the pinned Electron's Node and Chromium.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      // Entries of their own: the imaging process, out/main/imaging-worker.js, and the worker threads of the
      // imaging launcher (plain Node only: Electron starts imaging processes as utility processes),
      // out/main/imaging-launcher.js, of the built-in central service, out/main/central-worker.js, and of the case
      // store's writer, out/main/store-writer.js.
      lib: {
        entry: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          'imaging-worker': resolve(__dirname, 'electron/imaging/worker.ts'),
          'imaging-launcher': resolve(__dirname, 'electron/imaging/launcherThread.ts'),
          'central-worker': resolve(__dirname, 'electron/api/embeddedCentral.worker.ts'),
          'store-writer': resolve(__dirname, 'electron/store/writerThread.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require npm modules, so everything it uses is bundled in.
      externalizeDeps: false,
      lib: { entry: resolve(__dirname, 'electron/preload/index.ts') },
      rollupOptions: { output: { format: 'cjs' } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [react()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      emptyOutDir: true,
      minify: true,
      rollupOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
  },
});
