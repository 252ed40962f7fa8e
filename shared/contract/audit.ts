// Channels of the device audit trails for a supervisor: the integrity of every device's trail at the central service
// (as the last sync brought it, with its time, so it shows offline too) and an application's trail across devices
// (asked of the central service when it is reached). Only a supervisor may call them, except an application's applicant
// notifications: a reviewer asks them for a case they decided (the central service checks they hold or decided it).
import { z } from 'zod';
import { Instant } from '../domain';
import { lineText } from '../text';
import { storeErrors } from './cases';
import { AuditDevice, AuditEntriesResponse } from './central';
import { ApplicationNotificationsResponse } from './notifications';
import { defineChannel } from './channel';

/** The device list as the workstation holds it: the central service's answer and when it was fetched (null: never). */
export const AuditDevicesView = z.object({ devices: z.array(AuditDevice), fetchedAt: Instant.nullable() });
export type AuditDevicesView = z.infer<typeof AuditDevicesView>;

export const AuditTrailQuery = z.object({ applicationId: lineText(64).min(1), cursor: lineText(200).optional() }).strict();
export type AuditTrailQuery = z.infer<typeof AuditTrailQuery>;

export const ApplicationNotificationsQuery = z.object({ applicationId: lineText(64).min(1) }).strict();
export type ApplicationNotificationsQuery = z.infer<typeof ApplicationNotificationsQuery>;

export const auditChannels = {
  'audit.devices': defineChannel({
    request: z.object({}).strict(),
    response: AuditDevicesView,
    errors: [...storeErrors],
    role: 'supervisor',
  }),
  /** Newest first; `central_unreachable` when the workstation cannot reach the central service now. */
  'audit.trail': defineChannel({
    request: AuditTrailQuery,
    response: AuditEntriesResponse,
    errors: ['sync_not_configured', 'central_unreachable', 'central_refused'],
    role: 'supervisor',
  }),
  /** Where an application's applicant notifications stand, asked of the central service now; same failures as the trail. */
  'audit.notifications': defineChannel({
    request: ApplicationNotificationsQuery,
    response: ApplicationNotificationsResponse,
    errors: ['sync_not_configured', 'central_unreachable', 'central_refused'],
    role: 'reviewer',
  }),
} as const;
