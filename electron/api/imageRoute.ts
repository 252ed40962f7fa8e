// The address side of serving a case image, shared by the two transports, `case-image://` (Electron) and `/images/…`
// (browser host): the URL path read as a request for the image pipeline, and the header that makes an original a
// download.
import { DomainError } from '../../shared/errors';
import { blobVariants, type BlobVariant, type CaseImage, type CaseImageRequest } from '../imaging';

const pathPattern = new RegExp(`^/?([0-9a-f]{64})/(${blobVariants.join('|')})$`);

/**
 * Parses the path part of an image URL, `/<sha256>/<variant>`, exactly as received (still percent-encoded).
 * Percent signs, dots, backslashes, NUL bytes or any other character outside the pattern are refused rather than
 * decoded, so `%2e%2e%2f` and friends never become a path.
 */
export function caseImageRequestFromPath(path: string): CaseImageRequest {
  const match = pathPattern.exec(path);
  if (!match) throw new DomainError('invalid_request', 'Not a valid image address.');
  return { sha256: match[1]!, variant: match[2] as BlobVariant };
}

/** The Content-Disposition header of a served image, when it has one. */
export function dispositionOf(image: CaseImage): Record<string, string> {
  return image.attachment ? { 'Content-Disposition': `attachment; filename="${image.attachment}"` } : {};
}
