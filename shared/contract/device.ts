// Taking a workstation out of service (issue 25): "Remove all applicant data" syncs a last time, names every decision
// the central service has not taken (they would be lost), and removes every case's applicant fields and documents.
import { z } from 'zod';
import { lineText } from '../text';
import { storeErrors } from './cases';
import { ReviewVerdict } from './central';
import { defineChannel } from './channel';

export const UnsyncedDecision = z
  .object({
    applicationId: lineText(64),
    /** The applicant's name as the queue shows it: what the person confirming recognises. */
    displayName: lineText(300),
    decidedBy: lineText(200),
    outcome: z.enum(['approve', 'reject']),
    /** pending: not sent yet; rejected: refused by the central service (Needs attention). */
    state: z.enum(['pending', 'rejected']),
  })
  .strict();
export type UnsyncedDecision = z.infer<typeof UnsyncedDecision>;

/** A supervisor's verdict still queued on this device (the central service has not answered it): lost with the device. */
export const UnsyncedVerdict = z
  .object({
    /** The verdict's mutation id: what the person confirms. */
    id: lineText(64),
    decisionId: lineText(64),
    /** The decision's application and applicant as the decision log copy names them; null when the copy is gone. */
    applicationId: lineText(64).nullable(),
    applicantName: lineText(300).nullable(),
    verdict: ReviewVerdict,
    madeBy: lineText(200),
  })
  .strict();
export type UnsyncedVerdict = z.infer<typeof UnsyncedVerdict>;

export const RetirementCheck = z
  .object({
    /** Whether the last sync just now reached the central service. */
    synced: z.boolean(),
    unsynced: z.array(UnsyncedDecision),
    unsyncedVerdicts: z.array(UnsyncedVerdict),
  })
  .strict();
export type RetirementCheck = z.infer<typeof RetirementCheck>;

export const deviceChannels = {
  'device.retirementCheck': defineChannel({
    request: z.object({}).strict(),
    response: RetirementCheck,
    errors: [...storeErrors],
  }),
  'device.removeApplicantData': defineChannel({
    request: z
      .object({
        /** The application ids of the unsynced decisions the person saw named and accepts to lose; [] when none. */
        confirmUnsynced: z.array(lineText(64)).max(10_000),
        /** The ids of the queued verdicts the person saw named and accepts to lose; [] when none. */
        confirmVerdicts: z.array(lineText(64)).max(10_000),
      })
      .strict(),
    response: z.object({ applications: z.number().int().nonnegative(), documents: z.number().int().nonnegative() }).strict(),
    errors: ['unsynced_decisions', 'unsynced_verdicts', ...storeErrors],
  }),
  // Rotating the data key from the app (issue 25 item 2): a new random key is saved beside the old one, then the app
  // restarts and re-encrypts everything before it opens the data folder again (electron/api/rekey.ts).
  'device.rotateDataKey': defineChannel({
    request: z.object({}).strict(),
    response: z.object({ restarting: z.literal(true) }).strict(),
    errors: ['rekey_unavailable'],
  }),
} as const;
