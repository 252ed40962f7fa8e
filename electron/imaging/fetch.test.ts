// Downloads made by the imaging process (fetch.ts through the pool): against a real HTTP server on 127.0.0.1
// whose answers each test scripts, with real imaging processes and a real blob folder.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deriveKey, ExplicitKeyProvider } from '../common/keys';
import { tempFolder } from '../../tests/support/tempFolder';
import { BlobStore } from './blobs';
import { createImagePipeline, type FetchRequest, type ImagePipeline } from './index';
import type { ImageWorkerPoolOptions } from './pool';
import { codeOf, corpusFile } from '../../tests/support/imaging';

const key = Buffer.alloc(32, 5);
const photo = corpusFile('Landscape_6.jpg');
const sha256 = createHash('sha256').update(photo).digest('hex');
const etag = `"${sha256}"`;

let root: string;
let server: Server;
let url: string;
let handler: (req: IncomingMessage, res: ServerResponse) => void;
const seen: { range: string | null; authorization: string | null }[] = [];
const pipelines: ImagePipeline[] = [];

const open = (name: string, workers: ImageWorkerPoolOptions = { size: 1 }): ImagePipeline => {
  const pipeline = createImagePipeline({ blobDir: join(root, name), keyProvider: new ExplicitKeyProvider(key), workers });
  pipelines.push(pipeline);
  return pipeline;
};
const request = (extra: Partial<FetchRequest> = {}): FetchRequest => ({
  url: `${url}/doc`,
  authorization: 'Bearer t1',
  sha256,
  byteSize: photo.length,
  mediaType: 'image/jpeg',
  timeoutMs: 10_000,
  ...extra,
});
const partialFiles = (name: string): string[] => (existsSync(join(root, name, 'partial')) ? readdirSync(join(root, name, 'partial')) : []);

/** Answers the photo as the central service does: ETag, Range with If-Range. */
function serveDocument(req: IncomingMessage, res: ServerResponse, cutAfter: number | null = null): void {
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = range && req.headers['if-range'] === etag ? Number(range[1]) : 0;
  const body = photo.subarray(start);
  res.writeHead(start > 0 ? 206 : 200, {
    etag,
    'content-type': 'image/jpeg',
    'content-length': String(body.length),
    ...(start > 0 ? { 'content-range': `bytes ${start}-${photo.length - 1}/${photo.length}` } : {}),
  });
  if (cutAfter === null) res.end(body);
  else res.write(body.subarray(0, cutAfter), () => res.destroy());
}

beforeAll(async () => {
  root = tempFolder('verity-fetch-');
  server = createServer((req, res) => {
    seen.push({ range: req.headers.range ?? null, authorization: req.headers.authorization ?? null });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  seen.length = 0;
  await Promise.all(pipelines.splice(0).map((p) => p.close()));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('an imaging process downloads and admits an original', () => {
  it('admits the whole document with the bearer token it was given, and keeps nothing partial', async () => {
    handler = (req, res) => serveDocument(req, res);
    const images = open('whole');
    const result = await images.fetchOriginal(request(), new AbortController().signal);
    expect(result).toMatchObject({ kind: 'admitted', received: photo.length, resumedBytes: 0, admitted: { sha256, format: 'jpeg' } });
    expect(seen).toEqual([{ range: null, authorization: 'Bearer t1' }]);
    expect(partialFiles('whole')).toEqual([]);
    // The original is stored: a preview can be derived from it.
    expect((await images.derive(sha256)).sha256).toBe(sha256);
  });

  it('keeps a broken-off download sealed on disk, and another process resumes it with Range + If-Range', async () => {
    handler = (req, res) => serveDocument(req, res, 40_000);
    const first = open('resume');
    const broken = await first.fetchOriginal(request(), new AbortController().signal);
    expect(broken).toMatchObject({ kind: 'network', aborted: false, received: 40_000 });
    await first.close();
    // Sealed: the applicant's bytes are not on disk in the clear.
    const [part] = partialFiles('resume');
    expect(part).toBe(`${sha256}.part`);
    const sealed = readFileSync(join(root, 'resume', 'partial', part!));
    expect(sealed.includes(photo.subarray(1_000, 1_064))).toBe(false);
    expect((await new BlobStore(join(root, 'resume'), deriveKey(new ExplicitKeyProvider(key), 'blobs')).readPartial(sha256))?.bytes.length).toBe(40_000);

    handler = (req, res) => serveDocument(req, res);
    const resumed = await open('resume').fetchOriginal(request(), new AbortController().signal);
    expect(resumed).toMatchObject({ kind: 'admitted', received: photo.length, resumedBytes: photo.length - 40_000 });
    expect(seen.map((s) => s.range)).toEqual([null, 'bytes=40000-']);
    expect(partialFiles('resume')).toEqual([]);
  });

  it('tells bytes damaged on the way from a bad image: a transfer failure, and nothing of them stored', async () => {
    const damaged = Buffer.from(photo);
    damaged[5_000] = (damaged[5_000] ?? 0) ^ 0xff;
    handler = (_req, res) => {
      res.writeHead(200, { etag, 'content-length': String(damaged.length) });
      res.end(damaged);
    };
    const images = open('damaged');
    const result = await images.fetchOriginal(request(), new AbortController().signal);
    expect(result).toMatchObject({ kind: 'transfer', code: 'checksum_mismatch', received: photo.length });
    expect(existsSync(join(root, 'damaged', sha256.slice(0, 2)))).toBe(false);
    expect(partialFiles('damaged')).toEqual([]);
  });

  it('answers an HTTP refusal with its status, Retry-After and body; a different document as a transfer failure', async () => {
    handler = (_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json', 'retry-after': '3' });
      res.end(JSON.stringify({ error: { code: 'unauthorized', message: 'Sign in.' } }));
    };
    const images = open('refusals');
    const refused = await images.fetchOriginal(request(), new AbortController().signal);
    expect(refused).toMatchObject({ kind: 'http', status: 401, retryAfter: '3' });
    expect(JSON.parse((refused as { body: string }).body)).toMatchObject({ error: { code: 'unauthorized' } });

    handler = (req, res) => serveDocument(req, res);
    const other = await images.fetchOriginal(request({ sha256: 'a'.repeat(64) }), new AbortController().signal);
    expect(other).toMatchObject({ kind: 'transfer', code: 'checksum_mismatch' });
    const short = await images.fetchOriginal(request({ byteSize: photo.length + 1 }), new AbortController().signal);
    expect(short).toMatchObject({ kind: 'transfer', code: 'checksum_mismatch' });
    const huge = await images.fetchOriginal(request({ byteSize: 500 * 2 ** 20 }), new AbortController().signal);
    expect(huge).toMatchObject({ kind: 'refused', code: 'image_too_large' });
  });

  it('runs several downloads in one process at once, and a stop reaches both a running and a queued one', async () => {
    const held: ServerResponse[] = [];
    handler = (_req, res) => {
      res.writeHead(200, { etag, 'content-length': String(photo.length) });
      res.write(photo.subarray(0, 1_000));
      held.push(res);
    };
    const images = open('parallel');
    const stop = new AbortController();
    // Four at once (the default per process), the fifth waits for a free place.
    const running = Array.from({ length: 5 }, () => images.fetchOriginal(request(), stop.signal).catch((error: unknown) => error));
    const deadline = Date.now() + 20_000;
    while (held.length < 4 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(held.length).toBe(4);
    stop.abort();
    const outcomes = await Promise.all(running);
    expect(outcomes.slice(0, 4)).toEqual(Array.from({ length: 4 }, () => expect.objectContaining({ kind: 'network', aborted: true })));
    expect(await codeOf(Promise.reject(outcomes[4]))).toBe('image_job_stopped');
    for (const res of held) res.destroy();
  });

  it('lets the downloads a process runs finish when it asks to be replaced, and starts a fresh one for the rest', async () => {
    const held: ServerResponse[] = [];
    handler = (req, res) => {
      held.push(res);
      // Answered together once four are in: all four run in one process at once.
      if (held.length === 4) for (const r of held) serveDocument(req, r);
    };
    // Replaced after two jobs: the third and fourth reply after that point and must still be answered.
    const images = open('drain', { size: 1, maxJobsPerWorker: 2 });
    const signal = new AbortController().signal;
    const first = await Promise.all(Array.from({ length: 4 }, () => images.fetchOriginal(request(), signal)));
    expect(first.map((r) => r.kind)).toEqual(['admitted', 'admitted', 'admitted', 'admitted']);
    handler = (req, res) => serveDocument(req, res);
    expect((await images.fetchOriginal(request(), signal)).kind).toBe('admitted');
  });
});
