// Channels of sync with the central service: its state, "Sync now", progress, and the decisions it
// refused ("needs attention"). The engine lives in electron/sync; these are what the renderer sees.
import { z } from 'zod';
import { ApplicationStatus, DecisionOutcome } from '../domain';
import { lineText } from '../text';
import { defineChannel, defineEvent } from './channel';

export const SyncState = z.enum(['not_configured', 'idle', 'syncing', 'offline', 'signed_out', 'error']);
export type SyncState = z.infer<typeof SyncState>;

export const SyncStatus = z.object({
  state: SyncState,
  /** The central service this workstation syncs with; null when none is configured. */
  centralUrl: z.string().nullable(),
  /** True when that service is the reference server started inside this app (the zero-setup demo). */
  embedded: z.boolean(),
  /** Decisions recorded here and not yet applied by the central service. */
  pendingDecisions: z.number().int().nonnegative(),
  /** Decisions the central service refused: listed under "needs attention". */
  rejectedDecisions: z.number().int().nonnegative(),
  /**
   * Decisions recorded here by someone other than the person whose session syncs now: each person's decisions are
   * sent only under their own session, so these wait until that person signs in here again.
   */
  waitingFor: z.array(z.object({ person: z.object({ id: z.string(), displayName: z.string() }), decisions: z.number().int().positive() })),
  lastSyncAt: z.iso.datetime({ offset: true }).nullable(),
  lastError: z.object({ code: z.string(), message: z.string() }).nullable(),
  /**
   * Grows with every change of the sync state. A reply to sync.status and a sync.changed event can cross on the
   * way; a status with a lower revision than the one shown is the older one.
   */
  revision: z.number().int().nonnegative(),
});
export type SyncStatus = z.infer<typeof SyncStatus>;

export const SyncProgress = z.object({
  phase: z.enum(['push', 'pull', 'images']),
  done: z.number().int().nonnegative(),
  /** null while the total is not known yet. */
  total: z.number().int().nonnegative().nullable(),
});
export type SyncProgress = z.infer<typeof SyncProgress>;

/** Why the central service refused a decision (shared/contract/central's rejection reasons, as stored). */
export const AttentionItem = z.object({
  mutationId: z.string(),
  applicationId: z.string(),
  /** The applicant or enterprise name, for the list. */
  displayName: z.string(),
  outcome: DecisionOutcome,
  decidedAt: z.iso.datetime({ offset: true }),
  refusedAt: z.iso.datetime({ offset: true }).nullable(),
  reason: z.string(),
  /** The application as the central service had it when it refused: its status and reviewer. */
  current: z.object({ status: ApplicationStatus, assignee: z.string().nullable() }).nullable(),
  /** A later decision on the application was recorded here and not refused: it can be resolved as re-decided. */
  reDecided: z.boolean(),
});
export type AttentionItem = z.infer<typeof AttentionItem>;

/**
 * What the reviewer did about a refused decision: decided the case again, acknowledged that it was withdrawn, or
 * handed it to a supervisor. Recorded as an audit entry (the central service gets it with the trail); the item leaves
 * the list and the status bar's count.
 */
export const AttentionResolution = z.enum(['re_decided', 'withdrawn_acknowledged', 'handed_to_supervisor']);
export type AttentionResolution = z.infer<typeof AttentionResolution>;

export const syncChannels = {
  'sync.status': defineChannel({
    request: z.object({}).strict(),
    response: SyncStatus,
    errors: [],
  }),
  'sync.now': defineChannel({
    request: z.object({}).strict(),
    response: z.object({
      ok: z.boolean(),
      applied: z.number().int().nonnegative(),
      rejected: z.number().int().nonnegative(),
      changes: z.number().int().nonnegative(),
      images: z.number().int().nonnegative(),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
    }),
    errors: ['sync_not_configured', 'unauthorized'],
  }),
  'sync.attention': defineChannel({
    request: z.object({}).strict(),
    response: z.object({ items: z.array(AttentionItem) }),
    errors: ['unauthorized'],
  }),
  'sync.resolveAttention': defineChannel({
    request: z.object({ mutationId: lineText(64).min(1), resolution: AttentionResolution }).strict(),
    response: z.object({ items: z.array(AttentionItem) }),
    errors: ['unauthorized', 'mutation_not_found', 'attention_resolved', 'resolution_not_possible'],
  }),
} as const;

export const syncEvents = {
  'sync.changed': defineEvent(SyncStatus),
  'sync.progress': defineEvent(SyncProgress),
} as const;
