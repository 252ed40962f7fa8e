// The domain's words as plain values (no schemas): what the renderer needs at run time without pulling zod
// into its bundle. shared/domain.ts builds its schemas from these and re-exports them.
export const applicationKinds = ['individual', 'enterprise', 'change'] as const;

export const applicationStatuses = ['submitted', 'queued', 'in_review', 'approved', 'rejected', 'withdrawn'] as const;

export const ruleIds = ['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8', 'R9', 'R10', 'R11'] as const;

export const reasonCodes = [
  'document_unreadable',
  'document_expired',
  'document_type_not_accepted',
  'issuing_location_mismatch',
  'name_mismatch',
  'number_mismatch',
  'document_already_used',
  'enterprise_account_limit',
  'change_too_soon',
  'suspected_tampering',
  'information_incomplete',
  'address_mismatch',
  'other',
] as const;

/** A new data folder's settings (shared/contract/app.ts checks this against its Settings schema). */
export const defaultSettings = { language: null, theme: 'system', idleLockMinutes: 10 } as const;
