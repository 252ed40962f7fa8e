import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { DomainError } from '../../shared/errors';
import { tempFolder } from '../../tests/support/tempFolder';
import { writeFrame } from './channel';
import { defaultImageLimits } from './limits';
import { forkImagingProcess, type LaunchImagingProcess } from './launch';
import { ImageWorkerPool } from './pool';
import { imagingPriority } from './priority';
import { corpusFile, statFields, threadNiceness } from '../../tests/support/imaging';

let dir: string;
let fakeWorker: URL;

// A stand-in imaging process whose behaviour the first byte of the image chooses: hang, exit, throw, or answer. It
// speaks the channel as channel.ts documents it (written out here: the stand-in is plain JavaScript).
const fakeSource = `
import { connect } from 'node:net';
import { deserialize, serialize } from 'node:v8';
const socket = connect(process.env.VERITY_IMAGING_CHANNEL);
socket.on('close', () => process.exit(0));
const send = (message) => {
  const body = serialize(message);
  const header = Buffer.alloc(8);
  header.writeUInt32LE(4 + body.length, 0);
  header.writeUInt32LE(body.length, 4);
  socket.write(Buffer.concat([header, body]));
};
send({ ticket: process.env.VERITY_IMAGING_TICKET });
let buffered = Buffer.alloc(0);
socket.on('data', (chunk) => {
  buffered = Buffer.concat([buffered, chunk]);
  while (buffered.length >= 8 && buffered.length >= 4 + buffered.readUInt32LE(0)) {
    const end = 4 + buffered.readUInt32LE(0);
    const serialized = buffered.readUInt32LE(4);
    const job = deserialize(buffered.subarray(8, 8 + serialized));
    if (end > 8 + serialized) job.bytes = buffered.subarray(8 + serialized, end);
    buffered = buffered.subarray(end);
    handle(job);
  }
});
function handle(job) {
  if (job.init) { send({ ready: true }); return; }
  const mode = job.bytes[0];
  if (mode === 0) { for (;;) {} }
  if (mode === 1) process.exit(3);
  if (mode === 2) throw new Error('decoder blew up');
  const result = { sha256: 'f'.repeat(64), format: 'jpeg', width: 1, height: 1, pid: process.pid, ppid: process.ppid, arenas: process.env.MALLOC_ARENA_MAX, channel: process.env.VERITY_IMAGING_CHANNEL };
  send({ id: job.id, ok: true, result, recycle: mode === 4 });
}
`;

async function outcome(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'ok';
  } catch (error) {
    return error instanceof DomainError ? error.code : `crash: ${String(error)}`;
  }
}

beforeAll(() => {
  dir = tempFolder('verity-pool-');
  const path = join(dir, 'fake-worker.mjs');
  writeFileSync(path, fakeSource);
  fakeWorker = pathToFileURL(path);
});

const init = () => ({ blobDir: join(dir, 'blobs'), blobKey: new Uint8Array(32), limits: { ...defaultImageLimits, jobTimeoutMs: 1500 } });

/** Closed when its test ends, passed or failed: processes left running would keep their socket folder in /tmp. */
function openPool(...args: ConstructorParameters<typeof ImageWorkerPool>): ImageWorkerPool {
  const pool = new ImageWorkerPool(...args);
  onTestFinished(() => pool.close());
  return pool;
}

describe('ImageWorkerPool', () => {
  it('fails only the image whose worker hangs, exits or throws, and keeps serving the rest', async () => {
    const pool = openPool(init(), { size: 2, workerScript: fakeWorker });
    const modes = [0, 3, 1, 3, 2, 3, 4, 3, 3];
    const results = await Promise.all(modes.map((m) => outcome(pool.run(Uint8Array.of(m)))));
    expect(results).toEqual(['image_timeout', 'ok', 'image_decoder_crashed', 'ok', 'image_decoder_crashed', 'ok', 'ok', 'ok', 'ok']);
    await pool.close();
  });

  it('decodes in child processes with one malloc arena, replaced after maxJobsPerWorker images or a recycle request', async () => {
    const pool = openPool(init(), { size: 1, maxJobsPerWorker: 2, workerScript: fakeWorker });
    const served = [];
    for (const mode of [3, 3, 3, 4, 3]) served.push((await pool.run(Uint8Array.of(mode))) as unknown as { pid: number; arenas: string });
    const pids = served.map((s) => s.pid);
    expect(pids).not.toContain(process.pid);
    expect(served.map((s) => s.arenas)).toEqual(['1', '1', '1', '1', '1']);
    // Two images per process; the fourth asked to be recycled, so the fifth has a process of its own.
    expect([pids[0] === pids[1], pids[1] === pids[2], pids[2] === pids[3], pids[3] === pids[4]]).toEqual([true, false, true, false]);
    await pool.close();
  });

  it('starts its processes from a launcher thread, over a private socket that refuses a connection without its ticket', async () => {
    const pool = openPool(init(), { size: 1, workerScript: fakeWorker });
    const first = (await pool.run(Uint8Array.of(3))) as unknown as { pid: number; ppid: number; channel: string };
    // The child of this process (its thread), not of some helper process.
    expect(first.ppid).toBe(process.pid);
    const folder = dirname(first.channel);
    if (process.platform !== 'win32') expect(statSync(folder).mode & 0o777).toBe(0o700);
    // A stranger that connects and names a wrong ticket is hung up on; the process's own channel carries on.
    const stranger = connect(first.channel);
    stranger.on('error', () => undefined);
    writeFrame(stranger, { ticket: 'f'.repeat(32) });
    await new Promise((resolve) => stranger.on('close', resolve));
    const second = (await pool.run(Uint8Array.of(3))) as unknown as { pid: number };
    expect(second.pid).toBe(first.pid);
    await pool.close();
    // With no process left the socket and its folder go; the next pool's process gets a fresh one.
    await expect.poll(() => existsSync(folder)).toBe(false);
    const next = openPool(init(), { size: 1, workerScript: fakeWorker });
    const third = (await next.run(Uint8Array.of(3))) as unknown as { pid: number; channel: string };
    expect(third.channel).not.toBe(first.channel);
    expect(third.pid).not.toBe(first.pid);
    await next.close();
    await expect.poll(() => existsSync(dirname(third.channel))).toBe(false);
  });

  it('bounds its queue and refuses work once closed', async () => {
    const pool = openPool(init(), { size: 1, maxQueue: 2, workerScript: fakeWorker });
    const accepted = [pool.run(Uint8Array.of(3)), pool.run(Uint8Array.of(3))];
    // The worker is still starting, so both wait in the queue: a third exceeds it.
    expect(await outcome(pool.run(Uint8Array.of(3)))).toBe('image_queue_full');
    expect(await Promise.all(accepted.map(outcome))).toEqual(['ok', 'ok']);
    const pending = outcome(pool.run(Uint8Array.of(0)));
    await pool.close();
    expect(await pending).toBe('image_pipeline_closed');
    expect(await outcome(pool.run(Uint8Array.of(3)))).toBe('image_pipeline_closed');
  });

  it('runs the real worker from the TypeScript sources and stops an image past its deadline', async () => {
    const real = openPool({ ...init(), limits: { ...defaultImageLimits, jobTimeoutMs: 1 } }, { size: 1 });
    expect(await outcome(real.run(corpusFile('quality/q-reference.jpg')))).toBe('image_timeout');
    await real.close();
    const pool = openPool({ ...init(), limits: defaultImageLimits }, { size: 1 });
    const result = await pool.run(corpusFile('Landscape_6.jpg'));
    expect([result.width, result.height, result.format]).toEqual([600, 450, 'jpeg']);
    await pool.close();
  });

  it.runIf(process.platform === 'linux')('lowers a real process for background derivation, and admits only at normal priority', async () => {
    const pool = openPool({ ...init(), limits: defaultImageLimits }, { size: 1 });
    /** This test's imaging processes, each with the niceness of its threads. */
    const imagingProcesses = (): { pid: string; niceness: number[] }[] =>
      readdirSync('/proc')
        .filter((entry) => /^\d+$/.test(entry))
        .flatMap((pid) => {
          try {
            if (Number(statFields(readFileSync(`/proc/${pid}/stat`, 'utf8'))[1]) !== process.pid || !readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('worker')) return [];
            return [{ pid, niceness: threadNiceness(pid) }];
          } catch {
            return []; // gone meanwhile
          }
        });
    const photo = corpusFile('Landscape_6.jpg');
    // Ingestion (an upload somebody waits for): normal priority, like this test's own process.
    const { sha256 } = await pool.run(photo);
    const [first] = imagingProcesses();
    expect(first?.niceness.length).toBeGreaterThan(4);
    expect(new Set(first?.niceness)).toEqual(new Set([0]));
    // A background derivation lowers the process, every thread of it: those that existed (libvips' among them by
    // now) and any started since.
    await pool.runTask({ kind: 'derive', sha256 }, { lane: 'background' });
    const lowered = imagingProcesses();
    expect(lowered.map((p) => p.pid)).toEqual([first?.pid]);
    expect(new Set(lowered[0]?.niceness)).toEqual(new Set([imagingPriority]));
    // A reviewer waiting for a preview is served by it at once; admission gets a fresh process at normal priority.
    await pool.runTask({ kind: 'derive', sha256 }, { lane: 'urgent' });
    expect(imagingProcesses().map((p) => p.pid)).toEqual([first?.pid]);
    await pool.runTask({ kind: 'admit', bytes: photo });
    const [second, ...others] = imagingProcesses();
    expect(others).toEqual([]);
    expect(second?.pid).not.toBe(first?.pid);
    expect(new Set(second?.niceness)).toEqual(new Set([0]));
    expect(new Set(threadNiceness('self'))).toEqual(new Set([0]));
    await pool.close();
  });

  it('replaces a real imaging process once it has grown past its resident size, and only then', async () => {
    const launches = async (recycleAboveRssMb: number | undefined): Promise<number> => {
      let launched = 0;
      const launch: LaunchImagingProcess = (spec) => {
        launched++;
        return forkImagingProcess(spec);
      };
      const pool = openPool({ ...init(), limits: defaultImageLimits }, { size: 1, launch, ...(recycleAboveRssMb === undefined ? {} : { recycleAboveRssMb }) });
      for (const name of ['Landscape_6.jpg', 'Portrait_6.jpg', 'quality/q-reference.jpg']) await pool.run(corpusFile(name));
      await pool.close();
      return launched;
    };
    // No Node process is as small as 1 MB: every image asks for a fresh one. At the default all three share one.
    expect(await launches(1)).toBe(3);
    expect(await launches(undefined)).toBe(1);
  });
});
