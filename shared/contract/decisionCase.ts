// The channel behind a supervisor's read-only case view of a decision: the decided application and its documents,
// fetched from the central service (a supervisor's workstation holds no cases), the images stored for the viewer.
import { z } from 'zod';
import { Application, Instant } from '../domain';
import { lineText } from '../text';
import { defineChannel } from './channel';
import { DocumentRecord } from './cases';
import { oversightErrors } from './oversight';

export const DecisionApplication = z.object({
  application: Application,
  /** The documents as the central service holds them, each image stored here for the viewer. */
  documents: z.array(DocumentRecord),
  /** A change application's: the replaced identity's documents, shown previous | proposed as the reviewer sees them. */
  previousDocuments: z.array(DocumentRecord).max(6).optional(),
  dueAt: Instant,
  escalateAt: Instant,
});
export type DecisionApplication = z.infer<typeof DecisionApplication>;

export const decisionCaseChannels = {
  'decisions.application': defineChannel({
    request: z.object({ applicationId: lineText(64).min(1) }).strict(),
    response: DecisionApplication,
    errors: [...oversightErrors, 'not_found', 'image_missing'],
    role: 'supervisor',
  }),
} as const;
