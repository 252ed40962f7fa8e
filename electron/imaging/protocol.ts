// Messages between the pool (main side) and an imaging process; plain structured-clone data only.
import type { ForensicSummary, QualitySignals } from '../../shared/domain';
import type { ImageLimits } from './limits';
import type { AllowedFormat } from './sniff';

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

/** Admitting a HEIC decodes it anyway (libheif has no header-only path for the upright size): derived at once. */
export type AdmitReply = AdmitResult & { derived: DeriveResult | null };

/**
 * An original's bytes: one buffer, or the chunks a download arrived in. Chunks are joined in the imaging process,
 * not on the main thread (a megabyte's copy there per image was a third of the pull's main-thread allocation).
 */
export type ImageBytes = Uint8Array | readonly Uint8Array[];

export function byteLengthOf(bytes: ImageBytes): number {
  return bytes instanceof Uint8Array ? bytes.byteLength : bytes.reduce((sum, chunk) => sum + chunk.byteLength, 0);
}

/** The jobs a worker runs: the whole ingest, or its two halves (admit now, derive later). */
export type ImageTask =
  | { kind: 'ingest'; bytes: Uint8Array }
  /** `sha256`: what the bytes must hash to (a download's announced checksum), checked before anything else. */
  | { kind: 'admit'; bytes: ImageBytes; sha256?: string }
  | { kind: 'derive'; sha256: string };

export interface TaskResults {
  ingest: IngestResult;
  admit: AdmitReply;
  derive: DeriveResult;
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

export type ParentMessage = { init: ProcessInit } | JobRequest;
export type WorkerMessage = JobReply | WorkerReady;
