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
