// The decision report as a PDF, made on the node side with pdfkit: the title, the filters, when the central service
// made the report and when it was exported, then each chart drawn as vector bars and lines from the report's own
// numbers, each followed by its table. pdfkit's built-in fonts are Latin only: Chinese text uses Noto Sans SC
// (./cjkFont.ts), embedded as a subset of the glyphs used. Without that file the PDF is English, with a note saying so,
// never garbled.
import { existsSync } from 'node:fs';
import PDFDocument from 'pdfkit';
import type { UiLanguage } from '../../shared/contract/app';
import { handlingTimePrecision, type CachedDecisionReport, type DecisionReport } from '../../shared/contract/reports';
import { localIso } from './csvFile';
import { installedCjkFont } from './cjkFont';

/** The CJK font from its package; Electron passes the packaged copy (electron-builder's extraResources). */
export const defaultCjkFont = installedCjkFont();

interface Words {
  title: string;
  filters: string;
  allDecisions: string;
  reviewer: string;
  kind: string;
  from: string;
  to: string;
  generatedAt: string;
  exportedAt: string;
  exportedBy: string;
  cached: string;
  decisions: string;
  summary: string;
  perReviewerDay: string;
  day: string;
  handling: string;
  measured: string;
  median: string;
  p90: string;
  /** Marks the handling percentiles (from the central service's histogram); Helvetica has no '≈'. */
  approximately: string;
  approximateNote: string;
  deadline: string;
  within: string;
  missed: string;
  compliance: string;
  outcomes: string;
  approved: string;
  rejected: string;
  approvalRate: string;
  reasons: string;
  reason: string;
  overrides: string;
  rule: string;
  quality: string;
  agree: string;
  overturn: string;
  agreementRate: string;
  count: string;
  none: string;
  overall: string;
  minutes: string;
  englishOnly: string;
  kinds: Record<'individual' | 'enterprise' | 'change', string>;
}

const words: Record<UiLanguage, Words> = {
  en: {
    title: 'Decision report',
    filters: 'Filters',
    allDecisions: 'all decisions',
    reviewer: 'Reviewer',
    kind: 'Kind',
    from: 'Decided from',
    to: 'Decided before',
    generatedAt: 'Report made by the central service at',
    exportedAt: 'Exported at',
    exportedBy: 'by',
    cached: 'Offline: the last report held on this workstation.',
    decisions: 'Decisions',
    summary: 'Summary',
    perReviewerDay: 'Decisions per reviewer per day',
    day: 'Day',
    handling: 'Handling time (case opened to decided)',
    measured: 'Measured',
    median: 'Median',
    p90: 'p90',
    approximately: 'approx.',
    approximateNote: 'Median and p90 are approximate: within {percent} % or {minutes} minute of the exact value, whichever is larger (from a histogram of handling times).',
    deadline: 'Deadline compliance (decided within 3 business days)',
    within: 'Within',
    missed: 'Missed',
    compliance: 'Compliance',
    outcomes: 'Approval and rejection by kind',
    approved: 'Approved',
    rejected: 'Rejected',
    approvalRate: 'Approval rate',
    reasons: 'Top rejection reasons',
    reason: 'Reason code',
    overrides: 'Flag overrides by rule',
    rule: 'Rule',
    quality: 'Quality review',
    agree: 'Agreed',
    overturn: 'Overturned',
    agreementRate: 'Agreement rate',
    count: 'Count',
    none: 'None in this report.',
    overall: 'All reviewers',
    minutes: 'min',
    englishOnly: 'This report is in English: the Chinese font is not installed with this workstation.',
    kinds: { individual: 'Individual', enterprise: 'Enterprise', change: 'Change' },
  },
  'zh-CN': {
    title: '审核决定报表',
    filters: '筛选条件',
    allDecisions: '全部审核决定',
    reviewer: '审核员',
    kind: '类型',
    from: '决定时间自',
    to: '决定时间早于',
    generatedAt: '中央服务生成报表的时间',
    exportedAt: '导出时间',
    exportedBy: '导出人',
    cached: '离线：本工作站保存的最近一份报表。',
    decisions: '审核决定',
    summary: '概要',
    perReviewerDay: '每位审核员每天的审核决定数',
    day: '日期',
    handling: '处理时长（打开案件到作出决定）',
    measured: '已计时',
    median: '中位数',
    p90: 'p90',
    approximately: '约',
    approximateNote: '中位数和 p90 为近似值：与精确值相差不超过 {percent}% 或 {minutes} 分钟（取较大者），由处理时长直方图计算。',
    deadline: '时限达成（3 个工作日内决定）',
    within: '按时',
    missed: '超时',
    compliance: '达成率',
    outcomes: '各类型的通过与驳回',
    approved: '已通过',
    rejected: '已驳回',
    approvalRate: '通过率',
    reasons: '最常见的驳回原因',
    reason: '原因代码',
    overrides: '按规则统计的标记覆盖',
    rule: '规则',
    quality: '质检',
    agree: '同意',
    overturn: '推翻',
    agreementRate: '同意率',
    count: '数量',
    none: '本报表中没有。',
    overall: '全部审核员',
    minutes: '分钟',
    englishOnly: '',
    kinds: { individual: '个人', enterprise: '企业', change: '变更' },
  },
};

export interface ReportPdfMeta {
  language: UiLanguage;
  exportedAt: Date;
  exportedBy: string;
  /** The CJK font file; absent or missing: an English PDF with a note. */
  cjkFont?: string;
}

const PAGE = { margin: 48, width: 595.28, height: 841.89 }; // A4 in points
const INK = '#1f2933';
const MUTED = '#5b6670';
const SERIES = ['#2f6fb2', '#c2562c', '#2e8b57', '#8a5cb8', '#b08900', '#3a9aa8', '#a33b5c', '#6b7f2a'];

const percent = (part: number, whole: number) => (whole === 0 ? '—' : `${((100 * part) / whole).toFixed(1)} %`);

/** Renders the report; resolves with the PDF's bytes. */
export function renderReportPdf(cached: CachedDecisionReport, meta: ReportPdfMeta): Promise<Buffer> {
  const cjk = meta.cjkFont !== undefined && existsSync(meta.cjkFont) ? meta.cjkFont : null;
  const language: UiLanguage = meta.language === 'zh-CN' && cjk ? 'zh-CN' : 'en';
  const w = words[language];
  const r = cached.report;
  const doc = new PDFDocument({ size: 'A4', margin: PAGE.margin, info: { Title: w.title, Creator: 'Verity', CreationDate: meta.exportedAt } });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  // Every piece of text in one face: the CJK face also carries Latin letters and digits.
  const regular = cjk ? 'cjk' : 'Helvetica';
  const bold = cjk ? 'cjk' : 'Helvetica-Bold';
  if (cjk) doc.registerFont('cjk', cjk);
  const left = PAGE.margin;
  const width = PAGE.width - 2 * PAGE.margin;
  const bottom = PAGE.height - PAGE.margin;
  const room = (height: number) => {
    if (doc.y + height > bottom) doc.addPage();
  };

  // ── heading: title, filters, times ──
  doc.fillColor(INK).font(bold).fontSize(20).text(w.title, left, PAGE.margin);
  doc.moveDown(0.3).font(regular).fontSize(10).fillColor(MUTED);
  const f = r.filter;
  const filterParts = [
    f.reviewer ? `${w.reviewer}: ${f.reviewer}` : null,
    f.kind ? `${w.kind}: ${w.kinds[f.kind]}` : null,
    f.from ? `${w.from}: ${localIso(f.from)}` : null,
    f.to ? `${w.to}: ${localIso(f.to)}` : null,
  ].filter((p): p is string => p !== null);
  doc.text(`${w.filters}: ${filterParts.length > 0 ? filterParts.join(' · ') : w.allDecisions}`);
  doc.text(`${w.generatedAt}: ${localIso(r.generatedAt)}`);
  doc.text(`${w.exportedAt}: ${localIso(meta.exportedAt.toISOString())} · ${w.exportedBy}: ${meta.exportedBy}`);
  if (cached.source === 'cached') doc.text(`${w.cached}${cached.offlineReason ? ` (${cached.offlineReason})` : ''}`);
  if (meta.language === 'zh-CN' && language === 'en') doc.fillColor('#a33b5c').text(w.englishOnly);
  doc.fillColor(INK);

  const heading = (text: string) => {
    room(120);
    doc.moveDown(1).font(bold).fontSize(13).fillColor(INK).text(text, left, doc.y, { width });
    doc.moveDown(0.3).font(regular).fontSize(9);
  };

  /** A table of plain cells, columns of equal width, a new page (with the header again) when it runs out. */
  const table = (headers: string[], rows: (string | number)[][]) => {
    const colWidth = width / headers.length;
    const rowHeight = 14;
    const line = (cells: (string | number)[], font: string) => {
      if (doc.y + rowHeight > bottom) doc.addPage();
      const y = doc.y;
      doc.font(font).fontSize(9).fillColor(INK);
      cells.forEach((c, i) => doc.text(String(c), left + i * colWidth, y, { width: colWidth - 6, lineBreak: false, ellipsis: true }));
      doc.y = y + rowHeight;
    };
    line(headers, bold);
    doc
      .moveTo(left, doc.y - 2)
      .lineTo(left + width, doc.y - 2)
      .lineWidth(0.5)
      .strokeColor(MUTED)
      .stroke();
    if (rows.length === 0) line([w.none], regular);
    for (const row of rows) line(row, regular);
    doc.x = left;
  };

  /** Horizontal bars, one per item (a group of series per item), scaled to the largest value, each labelled. */
  const bars = (items: { label: string; values: number[] }[], series: string[]) => {
    if (items.length === 0) return;
    const labelWidth = 130;
    const barHeight = 9;
    const groupHeight = series.length * (barHeight + 2) + 6;
    const max = Math.max(1, ...items.flatMap((i) => i.values));
    const plot = width - labelWidth - 50;
    room(Math.min(items.length * groupHeight, 300) + 20);
    if (series.length > 1) legend(series);
    for (const item of items) {
      if (doc.y + groupHeight > bottom) doc.addPage();
      const y = doc.y;
      doc.font(regular).fontSize(9).fillColor(INK).text(item.label, left, y, { width: labelWidth - 8, lineBreak: false, ellipsis: true });
      item.values.forEach((v, s) => {
        const by = y + s * (barHeight + 2);
        doc
          .rect(left + labelWidth, by, Math.max(0.5, (plot * v) / max), barHeight)
          .fill(SERIES[s % SERIES.length]!);
        doc
          .fillColor(INK)
          .fontSize(8)
          .text(String(v), left + labelWidth + (plot * v) / max + 4, by + 1, { lineBreak: false });
      });
      doc.y = y + groupHeight;
    }
    doc.x = left;
    doc.moveDown(0.5);
  };

  const legend = (series: string[]) => {
    const y = doc.y;
    let x = left;
    series.forEach((name, s) => {
      doc.rect(x, y + 1, 8, 8).fill(SERIES[s % SERIES.length]!);
      doc.fillColor(INK).fontSize(8).text(name, x + 11, y, { lineBreak: false });
      x += 16 + doc.widthOfString(name) + 12;
    });
    doc.y = y + 14;
  };

  /** One line per reviewer over the days of the report (days without decisions at zero), with axes and a legend. */
  const lines = (report: DecisionReport) => {
    const days = [...new Set(report.perReviewerDay.map((d) => d.day))].sort();
    const reviewers = [...new Set(report.perReviewerDay.map((d) => d.reviewer))].sort();
    if (days.length === 0) return;
    const height = 150;
    room(height + 50);
    legend(reviewers);
    const top = doc.y + 4;
    const axisLeft = left + 30;
    const plotWidth = width - 40;
    const max = Math.max(1, ...report.perReviewerDay.map((d) => d.decisions));
    const x = (i: number) => axisLeft + (days.length === 1 ? plotWidth / 2 : (plotWidth * i) / (days.length - 1));
    const y = (v: number) => top + height - (height * v) / max;
    doc.lineWidth(0.5).strokeColor(MUTED).moveTo(axisLeft, top).lineTo(axisLeft, top + height).lineTo(axisLeft + plotWidth, top + height).stroke();
    doc.fillColor(MUTED).fontSize(7).text(String(max), left, top - 3, { width: 26, align: 'right', lineBreak: false }).text('0', left, top + height - 4, { width: 26, align: 'right', lineBreak: false });
    doc.text(days[0]!, axisLeft, top + height + 3, { lineBreak: false });
    if (days.length > 1) doc.text(days.at(-1)!, axisLeft + plotWidth - 40, top + height + 3, { lineBreak: false });
    reviewers.forEach((reviewer, s) => {
      const byDay = new Map(report.perReviewerDay.filter((d) => d.reviewer === reviewer).map((d) => [d.day, d.decisions]));
      const color = SERIES[s % SERIES.length]!;
      days.forEach((day, i) => {
        const v = byDay.get(day) ?? 0;
        if (i === 0) doc.moveTo(x(i), y(v));
        else doc.lineTo(x(i), y(v));
      });
      doc.lineWidth(1.2).strokeColor(color).stroke();
      if (days.length === 1) doc.circle(x(0), y(byDay.get(days[0]!) ?? 0), 2).fill(color);
    });
    doc.x = left;
    doc.y = top + height + 16;
  };

  const minutes = (ms: number | null) => (ms === null ? '—' : `${w.approximately} ${(ms / 60_000).toFixed(1)} ${w.minutes}`);

  // ── summary ──
  heading(w.summary);
  const d = r.deadline.overall;
  const q = r.quality;
  table(
    [w.decisions, `${w.median} / ${w.p90}`, w.compliance, w.agreementRate],
    [[r.decisions, `${minutes(r.handling.overall.medianMs)} / ${minutes(r.handling.overall.p90Ms)}`, percent(d.within, d.within + d.missed), percent(q.agree, q.agree + q.overturn)]],
  );

  heading(w.perReviewerDay);
  lines(r);
  table(
    [w.reviewer, w.day, w.decisions],
    r.perReviewerDay.map((p) => [p.reviewer, p.day, p.decisions]),
  );

  /** A chart of bars and the table of the same numbers under one heading. */
  const section = <T>(title: string, items: readonly T[], chart: { label(item: T): string; values(item: T): number[]; series: string[] }, headers: string[], row: (item: T) => (string | number)[]) => {
    heading(title);
    bars(
      items.map((item) => ({ label: chart.label(item), values: chart.values(item) })),
      chart.series,
    );
    table(headers, items.map(row));
  };
  const wholeMinutes = (ms: number | null) => Math.round((ms ?? 0) / 60_000);

  section(
    w.handling,
    [{ reviewer: w.overall, ...r.handling.overall }, ...r.handling.perReviewer],
    { label: (h) => h.reviewer, values: (h) => [wholeMinutes(h.medianMs), wholeMinutes(h.p90Ms)], series: [`${w.median} (${w.minutes})`, `${w.p90} (${w.minutes})`] },
    [w.reviewer, w.measured, w.median, w.p90],
    (h) => [h.reviewer, h.measured, minutes(h.medianMs), minutes(h.p90Ms)],
  );
  const precision = w.approximateNote.replace('{percent}', String(handlingTimePrecision.relative * 100)).replace('{minutes}', String(handlingTimePrecision.absoluteMs / 60_000));
  doc.font(regular).fontSize(8).fillColor(MUTED).text(precision, left, doc.y, { width });
  section(
    w.deadline,
    [{ reviewer: w.overall, ...r.deadline.overall }, ...r.deadline.perReviewer],
    { label: (x) => x.reviewer, values: (x) => [x.within, x.missed], series: [w.within, w.missed] },
    [w.reviewer, w.within, w.missed, w.compliance],
    (x) => [x.reviewer, x.within, x.missed, percent(x.within, x.within + x.missed)],
  );
  section(
    w.outcomes,
    r.outcomesByKind,
    { label: (o) => w.kinds[o.kind], values: (o) => [o.approved, o.rejected], series: [w.approved, w.rejected] },
    [w.kind, w.approved, w.rejected, w.approvalRate],
    (o) => [w.kinds[o.kind], o.approved, o.rejected, percent(o.approved, o.approved + o.rejected)],
  );
  section(w.reasons, r.topRejectionReasons, { label: (x) => x.reasonCode, values: (x) => [x.count], series: [w.count] }, [w.reason, w.count], (x) => [x.reasonCode, x.count]);
  section(w.overrides, r.flagOverrides, { label: (x) => x.rule, values: (x) => [x.count], series: [w.count] }, [w.rule, w.count], (x) => [x.rule, x.count]);
  section(w.quality, [q], { label: () => w.quality, values: (x) => [x.agree, x.overturn], series: [w.agree, w.overturn] }, [w.agree, w.overturn, w.agreementRate], (x) => [x.agree, x.overturn, percent(x.agree, x.agree + x.overturn)]);

  doc.end();
  return done;
}
