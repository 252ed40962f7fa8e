import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The browser host's transport script: one classic script (no module), loaded before the renderer.
export default defineConfig({
  build: {
    outDir: resolve(__dirname, '../../out/host'),
    emptyOutDir: true,
    target: 'es2022',
    lib: { entry: resolve(__dirname, 'browser/client.ts'), formats: ['iife'], name: 'VerityHost', fileName: () => 'workstation.js' },
  },
});
