// The imaging worker thread: takes original bytes, runs the pipeline, writes the three encrypted blobs and answers
// with the small result. It never imports electron; it runs the same from TypeScript sources and from a bundle.
import { parentPort, workerData } from 'node:worker_threads';
import { DomainError } from '../../shared/errors';
import { log } from '../api/log';
import { BlobStore } from './blobs';
import { classifyDecodeError, configureSharp, processImage } from './process';
import type { JobReply, JobRequest, WorkerInit, WorkerReady } from './protocol';

const port = parentPort;
if (!port) throw new Error('electron/imaging/worker must run in a worker thread');
const init = workerData as WorkerInit;
const store = new BlobStore(init.blobDir, Buffer.from(init.blobKey));
configureSharp();

async function handle(job: JobRequest): Promise<JobReply> {
  const bytes = job.bytes;
  let processed;
  try {
    processed = await processImage(bytes, init.limits);
  } catch (error) {
    const refusal = classifyDecodeError(error);
    if (!(error instanceof DomainError)) log.warn('imaging: decode failed', { code: refusal.code, detail: error instanceof Error ? error.message.slice(0, 200) : 'unknown' });
    // libheif's WebAssembly heap only grows, and a trap may leave it inconsistent: start afresh after any HEIC.
    return { id: job.id, ok: false, code: refusal.code, message: refusal.message, recycle: isHeic(bytes) };
  }
  try {
    await Promise.all([
      store.write(processed.sha256, 'original', bytes),
      store.write(processed.sha256, 'preview', processed.preview.bytes),
      store.write(processed.sha256, 'thumbnail', processed.thumbnail.bytes),
    ]);
  } catch (error) {
    log.error('imaging: blob write failed', { code: (error as NodeJS.ErrnoException).code ?? 'unknown' });
    return { id: job.id, ok: false, code: 'image_store_failed', message: 'The image could not be saved on this workstation (disk full or not writable). Free some space and sync again.', recycle: false };
  }
  const { preview, thumbnail, ...rest } = processed;
  return {
    id: job.id,
    ok: true,
    result: { ...rest, preview: { width: preview.width, height: preview.height }, thumbnail: { width: thumbnail.width, height: thumbnail.height } },
    recycle: processed.format === 'heic',
  };
}

function isHeic(bytes: Uint8Array): boolean {
  return bytes.length > 12 && String.fromCharCode(...bytes.subarray(4, 8)) === 'ftyp' && !String.fromCharCode(...bytes.subarray(8, 12)).startsWith('avi');
}

port.postMessage({ ready: true } satisfies WorkerReady);
port.on('message', (job: JobRequest) => {
  void handle(job)
    .catch((): JobReply => ({ id: job.id, ok: false, code: 'image_corrupt', message: 'The image could not be processed. Ask the applicant to upload it again.', recycle: true }))
    .then((reply) => port.postMessage(reply));
});
