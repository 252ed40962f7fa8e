// Bringing an image into a case on this workstation. Images never travel as base64: over IPC the bytes
// are a Uint8Array (structured clone); the browser host takes them as a raw request body.
import { z } from 'zod';
import { DocumentRole } from '../domain';
import { lineText } from '../text';
import { defineChannel } from './channel';
import { DocumentRecord } from './cases';

/** The pipeline's own cap (electron/imaging limits); checked here too so a huge payload is refused at the boundary. */
export const maxImportBytes = 25 * 1024 * 1024;

export const ImportImageRequest = z
  .object({
    applicationId: lineText(64).min(1),
    role: DocumentRole,
    bytes: z
      .instanceof(Uint8Array)
      .refine((b) => b.byteLength > 0, 'the file is empty')
      .refine((b) => b.byteLength <= maxImportBytes, `the file is larger than ${maxImportBytes / 1048576} MB`),
  })
  .strict();

export const imageChannels = {
  'images.import': defineChannel({
    request: ImportImageRequest,
    response: z.object({ document: DocumentRecord }),
    errors: [
      'case_not_found',
      'image_too_large',
      'image_format_not_allowed',
      'image_format_mismatch',
      'image_animated',
      'image_multipage',
      'image_pixel_limit',
      'image_corrupt',
      'image_timeout',
      'image_decoder_crashed',
      'image_queue_full',
    ],
  }),
} as const;
