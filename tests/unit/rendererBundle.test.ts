// The renderer's bundle stays free of zod: its schemas are built at module load and cost the launch (bench/ui),
// and the renderer needs only plain values from shared/ (shared/vocabulary.ts). A shared module that starts
// building schemas at load time, or a renderer import of a schema module, fails here with the culprits named.
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('renderer bundle', () => {
  it('carries no zod code', async () => {
    const result = await build({
      entryPoints: ['renderer/src/main.tsx'],
      bundle: true,
      minify: true,
      format: 'esm',
      jsx: 'automatic',
      loader: { '.css': 'empty' },
      write: false,
      metafile: true,
      outdir: 'out/bundle-check',
      logLevel: 'silent',
    });
    const [output] = Object.values(result.metafile.outputs);
    const zodBytes = Object.entries(output!.inputs)
      .filter(([path]) => path.includes('node_modules/zod/'))
      .reduce((sum, [, input]) => sum + input.bytesInOutput, 0);
    const importers = Object.entries(result.metafile.inputs)
      .filter(([path, input]) => !path.includes('node_modules/') && input.imports.some((i) => i.path.includes('node_modules/zod/')))
      .map(([path]) => path);
    expect({ zodBytes, importers: zodBytes > 0 ? importers : [] }).toEqual({ zodBytes: 0, importers: [] });
  }, 60_000);
});
