// Messages between the pool (main side) and an imaging worker; plain structured-clone data only.
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

export interface WorkerInit {
  blobDir: string;
  /** The derived 32-byte blob key; it stays inside this process. */
  blobKey: Uint8Array;
  limits: ImageLimits;
  /** Only for the development bootstrap: the TypeScript entry to import after registering tsx. */
  entry?: string;
}

export interface JobRequest {
  id: number;
  bytes: Uint8Array;
}

export type JobReply =
  | { id: number; ok: true; result: IngestResult; recycle: boolean }
  | { id: number; ok: false; code: string; message: string; recycle: boolean };

/** Posted once by a worker when its modules are loaded. */
export interface WorkerReady {
  ready: true;
}
