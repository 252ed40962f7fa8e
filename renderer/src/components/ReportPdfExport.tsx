// "Export PDF" for the reports view: the report as shown (its filter, its numbers) made into a PDF on the workstation
// and saved where the person chooses. The reports view mounts it beside its charts.
import type { CachedDecisionReport } from '../../../shared/contract/reports';
import { useLanguage } from '../i18n/useT';
import { workstation } from '../workstation';
import { ExportButton } from './ExportButton';

export function ReportPdfExport({ report }: { report: CachedDecisionReport }) {
  const language = useLanguage();
  return <ExportButton kind="report_pdf" label="export.pdf" hint="export.pdfHint" make={() => workstation().reports.exportPdf({ report, language })} />;
}
