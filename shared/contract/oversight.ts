// Channels of the supervisor's live oversight: each reviewer's open, due-today, escalated and overdue applications
// (from the central service when it answers, else the summary the last sync kept, said so), and the list behind a
// number (from the central service only: the workstation does not hold other reviewers' cases).
import { z } from 'zod';
import { lineText } from '../text';
import { defineChannel } from './channel';
import { storeErrors } from './cases';
import { OversightApplicationsResponse, OversightBucket, OversightSummary } from './central';

export const OversightView = z.object({
  /** The counts and when the central service counted them (summary.asOf); null before a supervisor's first sync. */
  summary: OversightSummary.nullable(),
  /** true: counted just now by the central service; false: the copy the last sync kept (the service did not answer). */
  live: z.boolean(),
  /** Why the counts are not live, for the person (null when they are). */
  notLiveReason: z.string().nullable(),
});
export type OversightView = z.infer<typeof OversightView>;

export const OversightListQuery = z
  .object({
    /** One reviewer's applications; absent with `unassigned` for the pool, absent without it for everyone's. */
    reviewer: lineText(64).min(1).optional(),
    unassigned: z.boolean().optional(),
    bucket: OversightBucket.default('open'),
    cursor: lineText(200).optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict()
  .refine((q) => !(q.reviewer !== undefined && q.unassigned === true), { message: 'give either reviewer or unassigned, not both', path: ['unassigned'] });
export type OversightListQuery = z.input<typeof OversightListQuery>;

/** The central service cannot be reached now (or none is configured): the lists need it. */
export const oversightErrors = ['central_unreachable', 'sync_not_configured', 'signed_out', 'invalid_cursor'] as const;

export const oversightChannels = {
  'oversight.summary': defineChannel({
    request: z.object({}).strict(),
    response: OversightView,
    errors: [...oversightErrors, ...storeErrors],
    role: 'supervisor',
  }),
  'oversight.applications': defineChannel({
    request: OversightListQuery,
    response: OversightApplicationsResponse,
    errors: [...oversightErrors],
    role: 'supervisor',
  }),
} as const;
