// The roles of the central service's people, one per person. Kept apart from central.ts so contract files that the
// route table imports (people.ts) can name them without an import cycle.
import { z } from 'zod';

/** admin: manages people (server/people.ts); it reviews nothing and reads no applicant data. */
export const centralRoles = ['reviewer', 'supervisor', 'intake', 'admin'] as const;
export const CentralRole = z.enum(centralRoles);
export type CentralRole = z.infer<typeof CentralRole>;
