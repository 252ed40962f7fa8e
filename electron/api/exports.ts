// Exports: the channels that make a file (the filtered decision log or withdrawals as CSV; a report as PDF), and the shelf that
// holds each made file under a one-time id until the person saves it. Saving goes past the contract's JSON: a save
// dialog in Electron (electron/main/saveExport.ts), a download in the browser host (GET /exports/<id>); both take
// the file through `takeExport`, which records it in the audit trail.
import { randomBytes } from 'node:crypto';
import { ExportId, type ExportKind, type PreparedExport } from '../../shared/contract/exports';
import { DomainError } from '../../shared/errors';
import { canonicalJson } from '../../shared/auditChain';
import type { CaseStore, ExportRecord } from '../store/types';
import { createDecisionLogReads, type CentralLines } from '../sync/decisionLog';
import type { CentralGet } from '../sync/oversight';
import { matchingWithdrawals } from '../sync/withdrawalLog';
import { readExportsOnRecord } from '../sync/exportsOnRecord';
import { csvHead, csvRows } from './decisionsCsv';
import { withdrawalsCsvHead, withdrawalsCsvRows } from './withdrawalsCsv';
import { defaultCjkFont, renderReportPdf } from './reportPdf';
import type { EventHub } from './events';
import type { CallContext, Handler } from './registry';
import type { UiLanguage } from '../../shared/contract/app';

/** A made file waiting on the shelf. */
export interface HeldExport {
  record: ExportRecord;
  contentType: string;
  bytes: Buffer;
  /** Who made it: only they may take it. */
  personId: string;
  expiresAt: number;
}

/** How long a made file waits to be saved; a save dialog left open longer asks the person to export again. */
export const exportTtlMs = 15 * 60_000;
/** The most files held at once (the oldest goes first): each is at most the log's capacity of decisions, a few MB. */
const SHELF_CAPACITY = 4;

export class ExportShelf {
  private readonly held = new Map<string, HeldExport>();

  constructor(private readonly now: () => number = Date.now) {}

  put(file: Omit<HeldExport, 'expiresAt'>): PreparedExport {
    this.dropExpired();
    while (this.held.size >= SHELF_CAPACITY) this.held.delete(this.held.keys().next().value!);
    const exportId = randomBytes(24).toString('base64url');
    this.held.set(exportId, { ...file, expiresAt: this.now() + exportTtlMs });
    return { exportId, kind: file.record.kind, fileName: file.record.fileName, contentType: file.contentType, bytes: file.bytes.length, rows: file.record.rows };
  }

  /** The file, left on the shelf (the save dialog's proposed name); refuses what `take` would refuse. */
  peek(exportId: unknown, personId: string): HeldExport {
    this.dropExpired();
    const parsed = ExportId.safeParse(exportId);
    if (!parsed.success) throw new DomainError('invalid_request', 'An export is named by the id decisions.exportCsv, withdrawals.exportCsv or reports.exportPdf answered.');
    const file = this.held.get(parsed.data);
    // Another person's export is answered as missing: its existence is not theirs to learn.
    if (!file || file.personId !== personId) throw new DomainError('export_not_found', 'This export is no longer waiting to be saved (it was saved already, or made too long ago). Export again.');
    return file;
  }

  /** The file, taken off the shelf: it can be saved once. */
  take(exportId: unknown, personId: string): HeldExport {
    const file = this.peek(exportId, personId);
    this.held.delete(exportId as string);
    return file;
  }

  /** Forgets every file (sign-out, lock): they hold applicant data. */
  clear(): void {
    this.held.clear();
  }

  private dropExpired(): void {
    const now = this.now();
    for (const [id, file] of this.held) if (file.expiresAt <= now) this.held.delete(id);
  }
}

/** How many decisions are read and written per step (a central page); between steps progress is reported. */
const BATCH = 1000;

const pad = (n: number) => String(n).padStart(2, '0');
/** verity-decisions-20260302-1705.csv: the local time of the export, sortable, safe on every file system. */
export function exportFileName(stem: string, extension: string, at: Date): string {
  return `verity-${stem}-${at.getFullYear()}${pad(at.getMonth() + 1)}${pad(at.getDate())}-${pad(at.getHours())}${pad(at.getMinutes())}.${extension}`;
}

export interface ExportHandlers {
  'decisions.exportCsv': Handler<'decisions.exportCsv'>;
  'withdrawals.exportCsv': Handler<'withdrawals.exportCsv'>;
  'reports.exportPdf': Handler<'reports.exportPdf'>;
  'decisions.exports': Handler<'decisions.exports'>;
}

export interface ExportOptions {
  /** The CJK font for Chinese PDFs (the packaged copy in Electron); its npm package's copy by default. */
  cjkFont?: string;
  now?: () => Date;
}

/**
 * `central`: the central service, whose export stream gives every decision of the filter while it answers (more than
 * the copy holds); the copy when it does not (electron/sync/decisionLog.ts decides which).
 */
export function createExportHandlers(
  store: CaseStore,
  central: { get: CentralGet; lines: CentralLines } | null,
  shelf: ExportShelf,
  events: EventHub,
  options: ExportOptions = {},
): ExportHandlers {
  const log = createDecisionLogReads(central?.get ?? null, store, central?.lines ?? null);
  const now = options.now ?? (() => new Date());
  const progressOf = (kind: ExportKind) => (done: number, total: number) => events.emit('exports.progress', { kind, done, total });
  /**
   * A CSV made from the rows as they arrive, each batch encoded at once (the source goes on meanwhile): the file grows
   * as bytes, never as one string of every row. Put on the shelf for the person who asked.
   */
  async function shelveCsv<Row>(
    kind: ExportKind,
    stem: string,
    asked: { filter: object; language: UiLanguage; ctx: CallContext },
    head: string,
    batches: AsyncIterable<readonly Row[]>,
    encode: (batch: readonly Row[]) => string,
  ): Promise<PreparedExport> {
    const parts = [Buffer.from(head, 'utf8')];
    let rows = 0;
    for await (const batch of batches) {
      parts.push(Buffer.from(encode(batch), 'utf8'));
      rows += batch.length;
    }
    const bytes = Buffer.concat(parts);
    return shelf.put({
      record: { kind, fileName: exportFileName(stem, 'csv', now()), rows, bytes: bytes.length, filter: canonicalJson(asked.filter), language: asked.language },
      contentType: 'text/csv; charset=utf-8',
      bytes,
      // dispatch let only a signed-in supervisor through.
      personId: asked.ctx.person!.id,
    });
  }
  return {
    'decisions.exportCsv': ({ filter, language }, ctx) =>
      shelveCsv('decisions_csv', 'decisions', { filter, language, ctx }, csvHead(language), log.matching(filter, BATCH, progressOf('decisions_csv')), (batch) => csvRows(batch, language)),
    'withdrawals.exportCsv': ({ filter, language }, ctx) =>
      shelveCsv('withdrawals_csv', 'withdrawals', { filter, language, ctx }, withdrawalsCsvHead(language), matchingWithdrawals(central?.get ?? null, store, filter, progressOf('withdrawals_csv')), (page) =>
        withdrawalsCsvRows(page, language),
      ),
    'reports.exportPdf': async ({ report, language }, ctx) => {
      const at = now();
      const person = ctx.person!;
      const bytes = await renderReportPdf(report, { language, exportedAt: at, exportedBy: person.displayName, cjkFont: options.cjkFont ?? defaultCjkFont });
      const fileName = exportFileName('report', 'pdf', at);
      return shelf.put({
        record: { kind: 'report_pdf', fileName, rows: report.report.decisions, bytes: bytes.length, filter: canonicalJson(report.report.filter), language },
        contentType: 'application/pdf',
        bytes,
        personId: person.id,
      });
    },
    'decisions.exports': (query) => readExportsOnRecord(central?.get ?? null, query),
  };
}
