// The imaging process: admits an original (checks, hash, forensics, original blob), derives a stored one
// (decode: preview, thumbnail, quality), or both at once (ingest), and answers with the small result. It never
// imports electron; it runs the same from TypeScript sources and from a bundle, as a Node child process or as an
// Electron utility process (launch.ts).
import { DomainError } from '../../shared/errors';
import { log } from '../common/log';
import { BlobStore, type BlobVariant } from './blobs';
import { connectToLauncher, readFrames, writeFrame } from './channel';
import { lowerOwnPriority } from './priority';
import { classifyDecodeError, configureSharp, inspectImage, renderFull, renderImage, type RenderedImage } from './process';
import { downloadOriginal } from './fetch';
import { OCR_RSS_ALLOWANCE_BYTES, ocrLoaded, readMrz } from './mrz';
import type { AdmitReply, AdmitResult, DeriveResult, FetchResult, FullResult, JobReply, JobRequest, ParentMessage, ProcessInit, WorkerInit, WorkerMessage } from './protocol';

interface ParentChannel {
  post(message: WorkerMessage): void;
  listen(listener: (message: ParentMessage) => void): void;
}

/** Electron's utility process talks through `process.parentPort`; a Node child through its socket (channel.ts). */
function parentChannel(): ParentChannel {
  const utility = (process as { parentPort?: { postMessage(message: unknown): void; on(event: 'message', listener: (event: { data: unknown }) => void): void } }).parentPort;
  if (utility) return { post: (message) => utility.postMessage(message), listen: (listener) => utility.on('message', (event) => listener(event.data as ParentMessage)) };
  const socket = connectToLauncher();
  if (socket) {
    // The channel has closed (the app crashed, was killed, or let this process go): nothing will read our answers.
    socket.on('close', () => process.exit(0));
    socket.on('error', () => undefined); // 'close' follows
    return {
      post: (message) => writeFrame(socket, message),
      listen: (listener) => readFrames(socket, (message) => listener(message as ParentMessage), () => socket.destroy()),
    };
  }
  throw new Error('electron/imaging/worker must run as an imaging process started by electron/imaging/pool.ts');
}

const port = parentChannel();
let init: ProcessInit | null = null;
let store: BlobStore | null = null;

const storeFailedCode = 'image_store_failed';
const storeFailedMessage = 'The image could not be saved on this workstation (disk full or not writable). Free some space and sync again.';
const storeFailed = (id: number): JobReply => ({ id, ok: false, code: storeFailedCode, message: storeFailedMessage, recycle: false });

async function writeBlobs(store: BlobStore, sha256: string, blobs: readonly [BlobVariant, Uint8Array][]): Promise<boolean> {
  try {
    await Promise.all(blobs.map(([variant, bytes]) => store.write(sha256, variant, bytes)));
    return true;
  } catch (error) {
    log.error('imaging: blob write failed', { code: (error as NodeJS.ErrnoException).code ?? 'unknown' });
    return false;
  }
}

const sizes = (r: RenderedImage): Pick<DeriveResult, 'preview' | 'thumbnail'> => ({
  preview: { width: r.preview.width, height: r.preview.height },
  thumbnail: { width: r.thumbnail.width, height: r.thumbnail.height },
});

/** Checks and stores one original (a HEIC is derived at once); throws a DomainError (image_*) on refusal. */
async function admitOriginal(init: WorkerInit, store: BlobStore, input: Uint8Array, sha256: string | undefined): Promise<{ reply: AdmitReply; recycle: boolean }> {
  const inspected = await inspectImage(input, init.limits, sha256);
  // A HEIC is decoded at admission: its upright size is known only after libheif's decode.
  const rendered = inspected.format === 'heic' ? await renderImage(input, inspected, init.limits) : null;
  const blobs: [BlobVariant, Uint8Array][] = [['original', input]];
  if (rendered) blobs.push(['preview', rendered.preview.bytes], ['thumbnail', rendered.thumbnail.bytes]);
  if (!(await writeBlobs(store, inspected.sha256, blobs))) throw new DomainError(storeFailedCode, storeFailedMessage);
  const upright = rendered ?? inspected.upright!;
  const derived: DeriveResult | null = rendered ? { sha256: inspected.sha256, quality: rendered.quality, ...sizes(rendered) } : null;
  return {
    reply: { sha256: inspected.sha256, format: inspected.format, width: upright.width, height: upright.height, forensic: inspected.forensic, derived },
    recycle: inspected.format === 'heic',
  };
}

/** Fetch jobs running, by id: a cancel aborts the download (it is answered as a network outcome). */
const fetches = new Map<number, AbortController>();

async function handleFetch(init: WorkerInit, store: BlobStore, job: JobRequest & { kind: 'fetch' }): Promise<JobReply> {
  const controller = new AbortController();
  fetches.set(job.id, controller);
  try {
    const downloaded = await downloadOriginal(job, store, init.limits, controller.signal);
    if (downloaded.kind !== 'downloaded') return { id: job.id, ok: true, result: downloaded, recycle: false };
    const { bytes, resumedBytes } = downloaded;
    const done = { received: bytes.length, resumedBytes };
    let result: FetchResult;
    let recycle = false;
    try {
      const admitted = await admitOriginal(init, store, bytes, job.sha256);
      result = { kind: 'admitted', admitted: admitted.reply, ...done };
      recycle = admitted.recycle;
    } catch (error) {
      const refusal = refusalOf(error);
      recycle = isHeic(bytes);
      // Damaged on the way (or resumed onto other bytes): the whole document again.
      result =
        refusal.code === 'image_hash_mismatch'
          ? { kind: 'transfer', code: 'checksum_mismatch', message: 'The downloaded document does not match its checksum; downloading it again.', ...done }
          : { kind: 'refused', code: refusal.code, message: refusal.message, ...done };
    }
    await store.removePartial(job.sha256);
    return { id: job.id, ok: true, result, recycle };
  } finally {
    fetches.delete(job.id);
  }
}

async function handle(init: WorkerInit, store: BlobStore, job: JobRequest): Promise<JobReply> {
  if (job.kind === 'fetch') return handleFetch(init, store, job);
  let bytes: Uint8Array | null = null;
  try {
    if (job.kind === 'derive') {
      // The stored original was admitted before; it is decrypted and its hash checked (blobs.ts) before decoding.
      bytes = await store.read(job.sha256, 'original');
      const inspected = await inspectImage(bytes, init.limits);
      const rendered = await renderImage(bytes, inspected, init.limits);
      if (!(await writeBlobs(store, inspected.sha256, [['preview', rendered.preview.bytes], ['thumbnail', rendered.thumbnail.bytes]]))) return storeFailed(job.id);
      const result: DeriveResult = { sha256: inspected.sha256, quality: rendered.quality, ...sizes(rendered) };
      return { id: job.id, ok: true, result, recycle: inspected.format === 'heic' };
    }
    if (job.kind === 'mrz') {
      // The OCR worker lives in this process: a crash or a hang of it costs this job (the pool replaces the process).
      bytes = await store.read(job.sha256, 'original');
      return { id: job.id, ok: true, result: await readMrz(bytes, { limits: init.limits }), recycle: false };
    }
    if (job.kind === 'full') {
      bytes = await store.read(job.sha256, 'original');
      const inspected = await inspectImage(bytes, init.limits);
      const full = await renderFull(bytes, inspected, init.limits);
      if (!(await writeBlobs(store, inspected.sha256, [['full', full.bytes]]))) return storeFailed(job.id);
      const result: FullResult = { width: full.width, height: full.height };
      return { id: job.id, ok: true, result, recycle: inspected.format === 'heic' };
    }
    const input = job.bytes;
    bytes = input;
    if (job.kind === 'admit') {
      const admitted = await admitOriginal(init, store, input, undefined);
      return { id: job.id, ok: true, result: admitted.reply, recycle: admitted.recycle };
    }
    const inspected = await inspectImage(input, init.limits);
    const rendered = await renderImage(input, inspected, init.limits);
    if (!(await writeBlobs(store, inspected.sha256, [['original', input], ['preview', rendered.preview.bytes], ['thumbnail', rendered.thumbnail.bytes]]))) return storeFailed(job.id);
    const admitted: AdmitResult = { sha256: inspected.sha256, format: inspected.format, width: rendered.width, height: rendered.height, forensic: inspected.forensic };
    return { id: job.id, ok: true, result: { ...admitted, quality: rendered.quality, ...sizes(rendered) }, recycle: inspected.format === 'heic' };
  } catch (error) {
    const refusal = refusalOf(error);
    // libheif's WebAssembly heap only grows, and a trap may leave it inconsistent: start afresh after any HEIC.
    return { id: job.id, ok: false, code: refusal.code, message: refusal.message, recycle: bytes !== null && isHeic(bytes) };
  }
}

/** The refusal an error means; one the decoder threw (not one of our checks) is logged. */
function refusalOf(error: unknown): DomainError {
  const refusal = classifyDecodeError(error);
  if (!(error instanceof DomainError)) log.warn('imaging: decode failed', { code: refusal.code, detail: error instanceof Error ? error.message.slice(0, 200) : 'unknown' });
  return refusal;
}

function isHeic(bytes: Uint8Array): boolean {
  return bytes.length > 12 && String.fromCharCode(...bytes.subarray(4, 8)) === 'ftyp' && !String.fromCharCode(...bytes.subarray(8, 12)).startsWith('avi');
}

let lowered = false;
/** Before its first background job: from then on the app's main process gets a core first (priority.ts). */
function lowerPriorityOnce(): void {
  if (lowered) return;
  lowered = true;
  const result = lowerOwnPriority();
  if (result.failed) log.warn('imaging: could not lower the process priority; background work runs at normal priority', { detail: result.failed });
}

port.listen((message) => {
  if ('init' in message) {
    init = message.init;
    store = new BlobStore(init.blobDir, Buffer.from(init.blobKey));
    configureSharp();
    port.post({ ready: true });
    return;
  }
  if ('cancel' in message) {
    fetches.get(message.cancel)?.abort();
    return;
  }
  const job = message;
  if (!init || !store) {
    port.post({ id: job.id, ok: false, code: 'image_decoder_crashed', message: 'The image decoder was not ready; try again.', recycle: true });
    return;
  }
  if (job.background) lowerPriorityOnce();
  const { recycleAboveRssBytes } = init;
  void handle(init, store, job)
    .catch((): JobReply => ({ id: job.id, ok: false, code: 'image_corrupt', message: 'The image could not be processed. Ask the applicant to upload it again.', recycle: true }))
    // Grown past its size (fragmentation, a leak): the pool starts a fresh process for the next image.
    // The OCR model is expected memory, not growth: without the allowance every MRZ reading would restart the process
    // and load the model again.
    .then((reply) => port.post(reply.recycle || process.memoryUsage.rss() <= recycleAboveRssBytes + (ocrLoaded() ? OCR_RSS_ALLOWANCE_BYTES : 0) ? reply : { ...reply, recycle: true }));
});
