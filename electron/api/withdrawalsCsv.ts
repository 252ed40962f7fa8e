// The withdrawals view as CSV (electron/api/csvFile.ts: the BOM, CRLF rows, cells made inert): the columns the view
// shows, in its order and with its headings in the person's language; the time in ISO 8601 with the zone.
import type { UiLanguage } from '../../shared/contract/app';
import type { WithdrawalRecord } from '../../shared/contract/withdrawals';
import { csvHeader, csvLines, localIso } from './csvFile';
import { csvWords as decisionWords } from './decisionsCsv';

export const withdrawalColumns = ['withdrawnAt', 'applicationId', 'applicant', 'kind', 'heldBy', 'ticket', 'withdrawnBy'] as const;
type Column = (typeof withdrawalColumns)[number];

/** The view's headings (renderer/src/i18n: withdrawals.col.*, log.col.*) and its word for a case nobody held. */
export const withdrawalWords: Record<UiLanguage, { header: Record<Column, string>; nobody: string }> = {
  en: {
    header: { withdrawnAt: 'Withdrawn at', applicationId: 'Application', applicant: 'Applicant', kind: 'Kind', heldBy: 'Held by', ticket: 'Ticket', withdrawnBy: 'Sent by' },
    nobody: 'Nobody yet',
  },
  'zh-CN': {
    header: { withdrawnAt: '撤回时间', applicationId: '申请', applicant: '申请人', kind: '类型', heldBy: '处理人', ticket: '工单', withdrawnBy: '提交账号' },
    nobody: '尚未分配',
  },
};

export function withdrawalsCsvHead(language: UiLanguage): string {
  return csvHeader(withdrawalColumns.map((c) => withdrawalWords[language].header[c]));
}

/** Rows for some withdrawals, in the order given; every cell made inert. */
export function withdrawalsCsvRows(records: readonly WithdrawalRecord[], language: UiLanguage): string {
  const { nobody } = withdrawalWords[language];
  const kind = decisionWords[language].kind;
  return csvLines(
    records.map((w) => {
      const cells: Record<Column, string> = {
        withdrawnAt: localIso(w.withdrawnAt),
        applicationId: w.applicationId,
        applicant: w.applicantName,
        kind: kind[w.kind],
        heldBy: w.reviewer === null ? nobody : (w.reviewerName ?? w.reviewer),
        ticket: w.ticketRef,
        withdrawnBy: w.withdrawnBy,
      };
      return withdrawalColumns.map((c) => cells[c]);
    }),
  );
}
