// Messages between the pool (main side) and an imaging process; plain structured-clone data only.
import type { ForensicSummary, QualitySignals } from '../../shared/domain';
import type { ImageLimits } from './limits';
import type { AllowedFormat } from '../../shared/imagePolicy';
import type { MrzReading } from '../../shared/mrzReading';

export interface IngestResult {
  sha256: string;
  format: AllowedFormat;
  /** Upright pixel size of the original. */
  width: number;
  height: number;
  forensic: ForensicSummary;
  quality: QualitySignals;
  preview: { width: number; height: number };
  thumbnail: { width: number; height: number };
}

/** What admitting an original tells: everything but what needs a decode. The original blob is written. */
export type AdmitResult = Pick<IngestResult, 'sha256' | 'format' | 'width' | 'height' | 'forensic'>;

/** What deriving a stored original makes: quality signals, and the preview and thumbnail blobs written. */
export type DeriveResult = Pick<IngestResult, 'sha256' | 'quality' | 'preview' | 'thumbnail'>;

/** What rendering a stored original at full resolution makes (the `full` blob written): its upright size. */
export interface FullResult {
  width: number;
  height: number;
}

/** Admitting a HEIC decodes it anyway (libheif has no header-only path for the upright size): derived at once. */
export type AdmitReply = AdmitResult & { derived: DeriveResult | null };

/**
 * One original for an imaging process to download and admit (a sync's pull): the bytes go from the socket to the
 * decoder's process and never through the app's main thread. What the document must be comes from the change
 * that named it; `authorization` is the bearer header of the moment (the main process refreshes it).
 */
export interface FetchRequest {
  url: string;
  authorization: string;
  sha256: string;
  byteSize: number;
  mediaType: string;
  /** From the request's start to the body's last byte. */
  timeoutMs: number;
}

/**
 * How a download attempt ended. Only `admitted` and `refused` are final; the main process retries the others as
 * the sync engine retries any exchange (an `http` answer's body is kept for its error code).
 */
export type FetchOutcome =
  | { kind: 'admitted'; admitted: AdmitReply }
  /** The image itself was refused (an image_* code): downloading it again will not help. */
  | { kind: 'refused'; code: string; message: string }
  | { kind: 'http'; status: number; retryAfter: string | null; body: string }
  | { kind: 'network'; timedOut: boolean; aborted: boolean; message: string; code: string | null }
  /** The bytes were not the document announced, or a resume did not continue it: downloaded again from the start. */
  | { kind: 'transfer'; code: 'checksum_mismatch' | 'bad_range' | 'range_not_satisfiable'; message: string };

/** `received`: the document's bytes held at the end; `resumedBytes`: those that came on a resumed (206) answer. */
export type FetchResult = FetchOutcome & { received: number; resumedBytes: number };

/** The jobs a worker runs: the whole ingest, or its two halves (admit now, derive later), a download and admit, or a 1:1 rendition. */
export type ImageTask =
  | { kind: 'ingest'; bytes: Uint8Array }
  | { kind: 'admit'; bytes: Uint8Array }
  | { kind: 'derive'; sha256: string }
  /** The full-resolution rendition of a stored original, for the viewer at 1:1 (on demand). */
  | { kind: 'full'; sha256: string }
  /** R11: the machine-readable zone of a stored passport photo, read by OCR in this process (mrz.ts). */
  | { kind: 'mrz'; sha256: string }
  | ({ kind: 'fetch' } & FetchRequest);

export interface TaskResults {
  ingest: IngestResult;
  admit: AdmitReply;
  derive: DeriveResult;
  full: FullResult;
  mrz: MrzReading;
  fetch: FetchResult;
}
export type TaskKind = ImageTask['kind'];

/** The first message to a new imaging process (the key travels on the private channel, never in argv or env). */
export interface WorkerInit {
  blobDir: string;
  /** The derived 32-byte blob key; it stays inside this app's processes. */
  blobKey: Uint8Array;
  limits: ImageLimits;
}

/** What the pool sends a new process: the init, and the resident size past which it asks to be replaced. */
export type ProcessInit = WorkerInit & { recycleAboveRssBytes: number };

/**
 * `background`: nobody waits for this job (a background derivation); the process lowers its priority for it, for
 * good (priority.ts), and the pool gives work somebody waits for to a process that has not.
 */
export type JobRequest = ImageTask & { id: number; background?: true };

export type JobReply =
  | { id: number; ok: true; result: TaskResults[TaskKind]; recycle: boolean }
  | { id: number; ok: false; code: string; message: string; recycle: boolean };

/** Posted once by an imaging process when it has its init and its modules are loaded. */
export interface WorkerReady {
  ready: true;
}

/** Stops a running job early (a fetch whose sync was stopped); it is answered as usual, as soon as it can be. */
export interface JobCancel {
  cancel: number;
}

export type ParentMessage = { init: ProcessInit } | JobRequest | JobCancel;
export type WorkerMessage = JobReply | WorkerReady;
