// The decision report as a PDF, read back as text with unpdf (pdf.js): the title, the filters, the time of the export
// and the report's numbers are there, in English and in Chinese (the CJK font embedded as a subset), and without the
// font the PDF is English with a note, never garbled.
import { extractText, getDocumentProxy } from 'unpdf';
import { describe, expect, it } from 'vitest';
import type { CachedDecisionReport } from '../../shared/contract/reports';
import { localIso } from './csvFile';
import { defaultCjkFont, renderReportPdf } from './reportPdf';

const report: CachedDecisionReport = {
  source: 'live',
  offlineReason: null,
  report: {
    filter: { reviewer: 'reviewer4', from: '2026-11-01T00:00:00.000Z', to: '2026-12-01T00:00:00.000Z' },
    generatedAt: '2026-12-05T09:30:00.000Z',
    decisions: 137,
    perReviewerDay: [
      { reviewer: 'reviewer4', day: '2026-11-02', decisions: 41 },
      { reviewer: 'reviewer4', day: '2026-11-03', decisions: 57 },
      { reviewer: 'reviewer4', day: '2026-11-04', decisions: 39 },
    ],
    handling: {
      overall: { measured: 120, medianMs: 7.5 * 60_000, p90Ms: 22.25 * 60_000 },
      perReviewer: [{ reviewer: 'reviewer4', measured: 120, medianMs: 7.5 * 60_000, p90Ms: 22.25 * 60_000 }],
    },
    deadline: { overall: { within: 129, missed: 8 }, perReviewer: [{ reviewer: 'reviewer4', within: 129, missed: 8 }] },
    outcomesByKind: [
      { kind: 'individual', approved: 88, rejected: 23 },
      { kind: 'enterprise', approved: 19, rejected: 7 },
    ],
    topRejectionReasons: [
      { reasonCode: 'name_mismatch', count: 17 },
      { reasonCode: 'document_expired', count: 9 },
    ],
    flagOverrides: [{ rule: 'R1', count: 6 }],
    quality: { agree: 31, overturn: 3 },
  },
};

async function textOf(pdf: Buffer): Promise<{ text: string; pages: number }> {
  const doc = await getDocumentProxy(new Uint8Array(pdf));
  const { text, totalPages } = await extractText(doc, { mergePages: true });
  return { text: text.replace(/\s+/g, ' '), pages: totalPages };
}

const exportedAt = new Date('2026-12-05T10:15:00.000Z');

describe('the decision report as a PDF', () => {
  it('holds the title, the filters, the times and every number of the report (English)', async () => {
    const pdf = await renderReportPdf(report, { language: 'en', exportedAt, exportedBy: 'Supervisor One', cjkFont: defaultCjkFont });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    const { text } = await textOf(pdf);
    expect(text).toContain('Decision report');
    expect(text).toContain('Filters: Reviewer: reviewer4');
    expect(text).toContain(`Decided from: ${localIso('2026-11-01T00:00:00.000Z')}`);
    expect(text).toContain(`Exported at: ${localIso(exportedAt.toISOString())}`);
    expect(text).toContain('Supervisor One');
    expect(text).toContain(`Report made by the central service at: ${localIso('2026-12-05T09:30:00.000Z')}`);
    for (const n of ['137', '41', '57', '39', '7.5 min', '22.3 min', '129', '94.2 %', '88', '23', '79.3 %', '17', '9', 'name_mismatch', 'R1', '31', '91.2 %']) expect(text).toContain(n);
    // The handling percentiles come from the central service's histogram: marked, with their precision.
    expect(text).toContain('approx. 7.5 min / approx. 22.3 min');
    expect(text).toContain('Median and p90 are approximate: within 2 % or 1 minute of the exact value, whichever is larger');
    for (const title of ['Decisions per reviewer per day', 'Handling time', 'Deadline compliance', 'Approval and rejection by kind', 'Top rejection reasons', 'Flag overrides by rule', 'Quality review']) {
      expect(text).toContain(title);
    }
  });

  it('is in Chinese with the CJK font embedded, its text readable back', async () => {
    const pdf = await renderReportPdf(report, { language: 'zh-CN', exportedAt, exportedBy: '主管 一', cjkFont: defaultCjkFont });
    const { text } = await textOf(pdf);
    expect(text).toContain('审核决定报表');
    expect(text).toContain('筛选条件');
    expect(text).toContain('审核员: reviewer4');
    expect(text).toContain('主管 一');
    for (const n of ['137', '129', '94.2 %', '已通过', '个人']) expect(text).toContain(n);
    expect(text).toContain('中位数和 p90 为近似值：与精确值相差不超过 2% 或 1 分钟');
    // A subset of the font, not the 5 MB file.
    expect(pdf.length).toBeLessThan(200_000);
  });

  it('falls back to English with a note when the CJK font is missing', async () => {
    const pdf = await renderReportPdf(report, { language: 'zh-CN', exportedAt, exportedBy: 'Supervisor One', cjkFont: '/nonexistent/font.ttc' });
    const { text } = await textOf(pdf);
    expect(text).toContain('Decision report');
    expect(text).toContain('the Chinese font is not installed');
    expect(text).not.toContain('审核');
  });

  it('says when the report is the one held offline, and copes with an empty report', async () => {
    const empty: CachedDecisionReport = {
      source: 'cached',
      offlineReason: 'The central service cannot be reached.',
      report: { ...report.report, filter: {}, decisions: 0, perReviewerDay: [], handling: { overall: { measured: 0, medianMs: null, p90Ms: null }, perReviewer: [] }, deadline: { overall: { within: 0, missed: 0 }, perReviewer: [] }, outcomesByKind: [], topRejectionReasons: [], flagOverrides: [], quality: { agree: 0, overturn: 0 } },
    };
    const { text } = await textOf(await renderReportPdf(empty, { language: 'en', exportedAt, exportedBy: 'Supervisor One', cjkFont: defaultCjkFont }));
    expect(text).toContain('Filters: all decisions');
    expect(text).toContain('Offline: the last report held on this workstation. (The central service cannot be reached.)');
    expect(text).toContain('None in this report.');
  });
});
