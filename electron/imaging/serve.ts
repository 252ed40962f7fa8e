// Serving a case image to the renderer: the single function behind `case-image://` (Electron) and `/images/…`
// (browser host). The request is validated strictly before anything touches the disk; a path is only ever built
// from a 64-hex hash and a variant from a closed list, so no traversal can be expressed. What is shown is always a
// re-encoded variant (`full` at 1:1); the original goes out only as an attachment (and the workstation audits it).
import { z } from 'zod';
import { describeIssues, DomainError } from '../../shared/errors';
import { blobVariants, type BlobStore, type BlobVariant } from './blobs';
import { contentTypes, sniffFormat, type AllowedFormat } from '../../shared/imagePolicy';

export const CaseImageRequest = z.strictObject({
  sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex characters'),
  variant: z.enum(blobVariants),
});
export type CaseImageRequest = z.infer<typeof CaseImageRequest>;

/** Decides whether the signed-in person may see this image (the case it belongs to is theirs, or they supervise). */
export interface ImageAccess {
  canView(sha256: string): boolean | Promise<boolean>;
}

export interface CaseImage {
  /** The original's SHA-256, which names every variant of the image. */
  sha256: string;
  bytes: Buffer;
  contentType: string;
  /**
   * Set for the original only: it is served as a download (`Content-Disposition: attachment` with this name), never
   * for display. The name comes from the hash and the sniffed format, never from anything the applicant sent.
   */
  attachment: string | null;
}

const extensions: Record<AllowedFormat, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', avif: 'avif', tiff: 'tif', heic: 'heic' };

/**
 * `ensure` runs after the access check and before the read: the pipeline derives a preview or thumbnail there that
 * does not exist yet (an image admitted during sync, not yet derived in the background).
 */
export async function readCaseImage(
  store: BlobStore,
  request: unknown,
  access: ImageAccess,
  ensure?: (sha256: string, variant: BlobVariant) => Promise<void>,
): Promise<CaseImage> {
  const parsed = CaseImageRequest.safeParse(request);
  if (!parsed.success) throw new DomainError('invalid_request', `Not a valid image request (${describeIssues(parsed.error)}).`);
  const { sha256, variant } = parsed.data;
  if (!(await access.canView(sha256))) throw new DomainError('forbidden', 'You do not have access to this document image.');
  await ensure?.(sha256, variant);
  const bytes = await store.read(sha256, variant);
  if (variant !== 'original') return { sha256, bytes, contentType: 'image/jpeg', attachment: null };
  let contentType = 'application/octet-stream';
  let extension = 'bin';
  try {
    const format = sniffFormat(bytes);
    contentType = contentTypes[format];
    extension = extensions[format];
  } catch {
    // an original is only ever stored after sniffing; keep the neutral type if that ever changes
  }
  return { sha256, bytes, contentType, attachment: `verity-original-${sha256.slice(0, 16)}.${extension}` };
}
