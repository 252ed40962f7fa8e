// Exports: a file the workstation makes (the filtered decision log or withdrawals as CSV, a report as PDF) and the person saves
// where they choose. Making it is a channel; it answers a one-time id, and `workstation.exports.save` hands the
// bytes over: a save dialog in Electron, a download in the browser host. The file never travels through the
// contract's JSON, and handing it over is what the audit trail records.
import { z } from 'zod';
import { UiLanguage } from './app';
import { defineChannel, defineEvent } from './channel';
import { storeErrors } from './cases';
import { DecisionExportsResponse } from './central';
import { oversightErrors } from './oversight';
import { CachedDecisionReport } from './reports';
import { DecisionLogFilter } from './supervision';
import { WithdrawalLogFilter } from './withdrawals';
import { exportIdPattern } from '../workstationApi';
import { lineText } from '../text';

/** The one-time id of a prepared export: random, valid for a few minutes, handed over once. */
export const ExportId = z.string().regex(exportIdPattern, 'an export id is 22–64 letters, digits, - or _');
export type ExportId = z.infer<typeof ExportId>;

export const exportKinds = ['decisions_csv', 'report_pdf', 'withdrawals_csv'] as const;
export const ExportKind = z.enum(exportKinds);
export type ExportKind = z.infer<typeof ExportKind>;

/** A file made and waiting to be saved. */
export const PreparedExport = z.object({
  exportId: ExportId,
  kind: ExportKind,
  /** The name the save dialog proposes and the download takes (ASCII letters, digits, '.', '-', '_'). */
  fileName: z.string().regex(/^[\w.-]{1,120}$/),
  contentType: z.string(),
  bytes: z.number().int().nonnegative(),
  /** Rows in the file (the CSV's rows below its header: decisions or withdrawals; the decisions a report covers). */
  rows: z.number().int().nonnegative(),
});
export type PreparedExport = z.infer<typeof PreparedExport>;

/** How saving ended: `saved` false when the person cancelled the save dialog. */
export const SavedExport = z.object({ saved: z.boolean(), fileName: z.string() });
export type SavedExport = z.infer<typeof SavedExport>;

/**
 * A log as CSV: `filter` exactly the filters the view shows; `language` the person's, for the header row and the words in
 * the cells.
 */
const csvRequest = <F extends z.ZodType>(filter: F) => z.object({ filter, language: UiLanguage }).strict();

export const DecisionsCsvRequest = csvRequest(DecisionLogFilter);
export type DecisionsCsvRequest = z.input<typeof DecisionsCsvRequest>;

export const WithdrawalsCsvRequest = csvRequest(WithdrawalLogFilter);
export type WithdrawalsCsvRequest = z.input<typeof WithdrawalsCsvRequest>;

export const ReportPdfRequest = z
  .object({
    /** The report as the reports view shows it (reports.decisions' answer): the PDF has exactly its numbers. */
    report: CachedDecisionReport,
    language: UiLanguage,
  })
  .strict();
export type ReportPdfRequest = z.input<typeof ReportPdfRequest>;

/** A long export's progress, so the view can show it (`total` is known from the start). */
export const ExportProgress = z.object({ kind: ExportKind, done: z.number().int().nonnegative(), total: z.number().int().nonnegative() });
export type ExportProgress = z.infer<typeof ExportProgress>;

/** The decision log's exports on record at the central service (who exported what, when, which filter): asked live. */
export const ExportsOnRecordQuery = z
  .object({
    /** Only this supervisor's exports. */
    exportedBy: lineText(64).min(1).optional(),
    cursor: lineText(200).optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict();
export type ExportsOnRecordQuery = z.input<typeof ExportsOnRecordQuery>;

/** Errors of handing an export over. */
export const exportErrors = ['export_not_found', 'export_failed'] as const;

export const exportChannels = {
  'decisions.exportCsv': defineChannel({
    request: DecisionsCsvRequest,
    response: PreparedExport,
    errors: [...storeErrors],
    role: 'supervisor',
  }),
  'withdrawals.exportCsv': defineChannel({
    request: WithdrawalsCsvRequest,
    response: PreparedExport,
    errors: [...storeErrors],
    role: 'supervisor',
  }),
  'reports.exportPdf': defineChannel({
    request: ReportPdfRequest,
    response: PreparedExport,
    errors: [],
    role: 'supervisor',
  }),
  'decisions.exports': defineChannel({
    request: ExportsOnRecordQuery,
    response: DecisionExportsResponse,
    errors: [...oversightErrors],
    role: 'supervisor',
  }),
} as const;

export const exportEvents = {
  'exports.progress': defineEvent(ExportProgress),
} as const;
