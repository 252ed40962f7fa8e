// What the benchmarks read from their command line and print about the machine, the same way in each.
import { cpus, platform, release, totalmem } from 'node:os';

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
