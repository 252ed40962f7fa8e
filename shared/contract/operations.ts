// Health of one instance of the central service, for a load balancer or an orchestrator: /healthz (the process
// answers) and /readyz (the database answers and its schema is the one this server was built for).
import { z } from 'zod';
import { lineText } from '../text';

export const HealthResponse = z.object({ status: z.literal('ok') }).strict();
export const ReadyResponse = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    /** Why not ready, in words an operator can act on (empty when ready). */
    problems: z.array(lineText(500)),
    schemaVersion: z.number().int().nullable(),
    expectedSchemaVersion: z.number().int(),
  })
  .strict();
export type ReadyResponse = z.infer<typeof ReadyResponse>;
