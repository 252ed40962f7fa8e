// How long a workstation keeps the images and applicant fields of a case once it is decided and synced (issue 25):
// set on the central service by an administrator, delivered with every page of the changes feed.
import { z } from 'zod';
import { lineText } from '../text';

export const defaultRetentionDays = 30;

export const RetentionDays = z.number().int().min(1).max(3650);

export const RetentionRequest = z.object({ days: RetentionDays }).strict();
export type RetentionRequest = z.infer<typeof RetentionRequest>;

export const RetentionPolicy = z
  .object({
    days: RetentionDays,
    /** Null for the default no administrator has changed yet. */
    updatedAt: z.iso.datetime({ offset: true }).nullable(),
    updatedBy: lineText(64).nullable(),
  })
  .strict();
export type RetentionPolicy = z.infer<typeof RetentionPolicy>;
