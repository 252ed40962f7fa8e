// The decision log as CSV, for a spreadsheet (electron/api/csvFile.ts: the BOM, CRLF rows, cells made inert): one
// header row in the person's language, instants in ISO 8601 with the zone, lists joined with "; ".
import type { UiLanguage } from '../../shared/contract/app';
import type { DecisionLogEntry } from '../../shared/contract/supervision';
import type { ExportedLogEntry } from '../sync/mapping';
import { csvHeader, csvLines, localIso } from './csvFile';

export const csvColumns = [
  'decidedAt',
  'appliedAt',
  'reviewer',
  'applicationId',
  'applicant',
  'kind',
  'outcome',
  'reasonCodes',
  'flags',
  'overriddenRules',
  'overrideNote',
  'offline',
  'deviceId',
  'openedAt',
  'handlingMinutes',
  'dueAt',
  'withinDeadline',
  'effect',
  'reviews',
  'decisionId',
] as const;
type Column = (typeof csvColumns)[number];

interface Words {
  header: Record<Column, string>;
  kind: Record<DecisionLogEntry['kind'], string>;
  outcome: Record<DecisionLogEntry['outcome'], string>;
  yes: string;
  no: string;
  verdict: Record<DecisionLogEntry['reviews'][number]['verdict'], string>;
  effect: Record<DecisionLogEntry['effect'], string>;
  stage: Record<DecisionLogEntry['reviews'][number]['stage'], string>;
}

/** The words of the file in each language the app speaks (the renderer's catalogue is not loaded on this side). */
export const csvWords: Record<UiLanguage, Words> = {
  en: {
    header: {
      decidedAt: 'Decided at (device)',
      appliedAt: 'Applied at (central service)',
      reviewer: 'Reviewer',
      applicationId: 'Application',
      applicant: 'Applicant',
      kind: 'Kind',
      outcome: 'Outcome',
      reasonCodes: 'Reason codes',
      flags: 'Flags when decided',
      overriddenRules: 'Overridden rules',
      overrideNote: 'Override note',
      offline: 'Decided offline',
      deviceId: 'Device',
      openedAt: 'Case opened at',
      handlingMinutes: 'Handling time (minutes)',
      dueAt: 'Due at',
      withinDeadline: 'Within the deadline',
      effect: 'Standing',
      reviews: 'Reviews',
      decisionId: 'Decision id',
    },
    kind: { individual: 'Individual', enterprise: 'Enterprise', change: 'Change' },
    outcome: { approve: 'Approved', reject: 'Rejected' },
    yes: 'yes',
    no: 'no',
    verdict: { agree: 'agreed', overturn: 'overturned' },
    effect: { in_effect: 'in effect', pending_second_review: 'pending second review', overturned: 'overturned' },
    stage: { quality: 'quality review', second_review: 'second review' },
  },
  'zh-CN': {
    header: {
      decidedAt: '决定时间（设备）',
      appliedAt: '应用时间（中央服务）',
      reviewer: '审核员',
      applicationId: '申请',
      applicant: '申请人',
      kind: '类型',
      outcome: '结果',
      reasonCodes: '原因代码',
      flags: '决定时的标记',
      overriddenRules: '被覆盖的规则',
      overrideNote: '覆盖说明',
      offline: '离线决定',
      deviceId: '设备',
      openedAt: '打开案件时间',
      handlingMinutes: '处理时长（分钟）',
      dueAt: '截止时间',
      withinDeadline: '在时限内',
      effect: '状态',
      reviews: '复核',
      decisionId: '决定编号',
    },
    kind: { individual: '个人', enterprise: '企业', change: '变更' },
    outcome: { approve: '已通过', reject: '已驳回' },
    yes: '是',
    no: '否',
    verdict: { agree: '同意', overturn: '推翻' },
    effect: { in_effect: '已生效', pending_second_review: '待二次复核', overturned: '已推翻' },
    stage: { quality: '质检', second_review: '二次复核' },
  },
};

const LIST = '; ';

function cellsOf(e: ExportedLogEntry, w: Words): Record<Column, string> {
  return {
    decidedAt: localIso(e.decidedAt),
    appliedAt: localIso(e.appliedAt),
    reviewer: e.reviewer,
    applicationId: e.applicationId,
    applicant: e.applicantName,
    kind: w.kind[e.kind],
    outcome: w.outcome[e.outcome],
    reasonCodes: e.reasonCodes.join(LIST),
    flags: (e.flags ?? []).map((f) => `${f.rule} ${f.reason}`).join(LIST),
    overriddenRules: e.overriddenRules.join(LIST),
    overrideNote: e.overrideNote ?? '',
    offline: e.offline ? w.yes : w.no,
    deviceId: e.deviceId,
    openedAt: e.openedAt === null ? '' : localIso(e.openedAt),
    // Minutes with one decimal: what a spreadsheet sums and sorts as a number.
    handlingMinutes: e.handlingMs === null ? '' : (e.handlingMs / 60_000).toFixed(1),
    dueAt: e.dueAt === null ? '' : localIso(e.dueAt),
    withinDeadline: e.withinDeadline === null ? '' : e.withinDeadline ? w.yes : w.no,
    effect: w.effect[e.effect],
    reviews: e.reviews.map((r) => `${w.stage[r.stage]} ${w.verdict[r.verdict]} ${r.supervisor} ${localIso(r.reviewedAt)}: ${r.reason}`).join(LIST),
    decisionId: e.id,
  };
}

/** The BOM and the header row. */
export function csvHead(language: UiLanguage): string {
  return csvHeader(csvColumns.map((c) => csvWords[language].header[c]));
}

/** Rows for some decisions, in the order given; every cell made inert. */
export function csvRows(entries: readonly ExportedLogEntry[], language: UiLanguage): string {
  const w = csvWords[language];
  return csvLines(
    entries.map((e) => {
      const cells = cellsOf(e, w);
      return csvColumns.map((c) => cells[c]);
    }),
  );
}
