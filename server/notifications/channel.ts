// A delivery channel the dispatcher sends through (email over SMTP, SMS over a provider's HTTP API). The message centre
// is not one: its notifications are delivered when the decision's transaction commits.
import type { ApplicantLanguage } from '../../shared/domain';

export interface Delivery {
  /** The same on every attempt of one notification: the provider (or mail system) drops a repeat by it. */
  idempotencyKey: string;
  recipient: string;
  language: ApplicantLanguage;
  subject: string;
  body: string;
}

export interface Sent {
  /** The provider's id of the message (SMTP: the Message-ID it accepted; SMS: the provider's message id). */
  providerId: string;
}

export interface Channel {
  /** Hands the message to the provider; an abort leaves it unknown whether the provider got it (the row stays `sending`). */
  send(delivery: Delivery, signal: AbortSignal): Promise<Sent>;
  close(): Promise<void>;
}

/** A failed send: `permanent` will fail again (a refused address), `transient` may pass on a retry. */
export class DeliveryFailure extends Error {
  constructor(
    readonly kind: 'permanent' | 'transient',
    message: string,
  ) {
    super(message);
    this.name = 'DeliveryFailure';
  }
}

export const deliveryFailure = (kind: DeliveryFailure['kind'], message: string) => new DeliveryFailure(kind, message);
