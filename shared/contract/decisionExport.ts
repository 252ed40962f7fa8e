// The check an export makes of each page of GET /v1/decisions: every field the CSV writes, with the contract's own
// field schemas (names, enums, instants, flags), and nothing of what it does not write (the applicant message, the
// internal note, the rest of the application and of the snapshot judged on). A hundred pages of a thousand decisions
// are checked at the boundary all the same, for a fraction of the full DecisionRecord's cost.
import { z } from 'zod';
import { Application, Flag } from '../domain';
import { DecisionRecord, DecisionsResponse } from './central';

export const ExportedDecision = DecisionRecord.pick({
  id: true,
  reviewer: true,
  reviewerName: true,
  deviceId: true,
  outcome: true,
  reasonCodes: true,
  overrideNote: true,
  overriddenRules: true,
  decidedAt: true,
  madeAt: true,
  openedAt: true,
  dueAt: true,
  offline: true,
  effect: true,
  reviews: true,
})
  .extend({
    application: Application.pick({ id: true, kind: true, identity: true }).loose(),
    judgedOn: z.object({ flags: z.array(Flag).max(64) }).loose().nullable(),
  })
  .loose();
export type ExportedDecision = z.infer<typeof ExportedDecision>;

export const DecisionsExportPage = DecisionsResponse.extend({ decisions: z.array(ExportedDecision) });
export type DecisionsExportPage = z.infer<typeof DecisionsExportPage>;
