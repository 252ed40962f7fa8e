// Kept apart from shared/contract/reports.ts so that the renderer reads it without the contract's zod schemas.

/**
 * How far the median and p90 handling times may be from the exact percentile of every decision: within 2 % or within
 * 1 minute, whichever is larger (they come from a histogram kept in the central service's tallies; server/handlingHistogram.ts).
 */
export const handlingTimePrecision = { relative: 0.02, absoluteMs: 60_000 } as const;
