// Applicant notifications on the wire (server/notifications/): the contact an intake request may carry, the customer
// console's message centre, and the delivery state shown on an application's audit trail.
import { z } from 'zod';
import { ApplicantLanguage, DecisionOutcome, Instant } from '../domain';
import { lineText, multilineText } from '../text';

export const notificationChannels = ['message_centre', 'email', 'sms'] as const;
export const NotificationChannel = z.enum(notificationChannels);
export type NotificationChannel = z.infer<typeof NotificationChannel>;

/** queued → sending (claimed, the provider is being called) → sent, or back to queued for a retry, or failed. */
export const notificationStates = ['queued', 'sending', 'sent', 'failed'] as const;
export const NotificationState = z.enum(notificationStates);
export type NotificationState = z.infer<typeof NotificationState>;

/** How to reach the applicant besides the message centre; each is optional (no address: that channel is not used). */
export const ApplicantContact = z
  .object({
    email: lineText(254)
      .regex(/^[^\s@<>()",;:\\[\]]+@[^\s@<>()",;:\\[\]]+\.[^\s@<>()",;:\\[\]]+$/, 'an email address such as name@example.com')
      .optional(),
    /** E.164: a plus, the country code and the number, digits only (e.g. +8613800138000). */
    phone: lineText(16)
      .regex(/^\+[1-9][0-9]{6,14}$/, 'a phone number in E.164 form, e.g. +8613800138000')
      .optional(),
  })
  .strict();
export type ApplicantContact = z.infer<typeof ApplicantContact>;

export const AccountMessagesQuery = z
  .object({
    cursor: lineText(200).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type AccountMessagesQuery = z.input<typeof AccountMessagesQuery>;

/** One message of the console's message centre: the applicant's notification of a decision that took effect. */
export const AccountMessage = z
  .object({
    id: z.uuid(),
    applicationId: lineText(64),
    outcome: DecisionOutcome,
    language: ApplicantLanguage,
    subject: lineText(200),
    body: multilineText(8000),
    createdAt: Instant,
  })
  .strict();
export type AccountMessage = z.infer<typeof AccountMessage>;
export const AccountMessagesResponse = z
  .object({
    /** Newest first; pass nextCursor back for older ones, null at the end. */
    messages: z.array(AccountMessage),
    nextCursor: lineText(200).nullable(),
  })
  .strict();
export type AccountMessagesResponse = z.infer<typeof AccountMessagesResponse>;

/** Where one notification of an application stands, for its audit trail. */
export const NotificationDelivery = z
  .object({
    id: z.uuid(),
    decisionId: z.uuid(),
    channel: NotificationChannel,
    language: ApplicantLanguage,
    state: NotificationState,
    attempts: z.number().int().nonnegative(),
    /** Why the last attempt failed (a retry is due at nextAttemptAt unless the state is failed). */
    lastError: lineText(500).nullable(),
    nextAttemptAt: Instant.nullable(),
    sentAt: Instant.nullable(),
    createdAt: Instant,
  })
  .strict();
export type NotificationDelivery = z.infer<typeof NotificationDelivery>;

export const ApplicationNotificationsResponse = z.object({ notifications: z.array(NotificationDelivery) }).strict();
export type ApplicationNotificationsResponse = z.infer<typeof ApplicationNotificationsResponse>;
