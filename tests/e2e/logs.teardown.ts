// Playwright's global teardown (issue 25 item 4): after the whole run, no log of it (any browser host's stdout and
// stderr with info lines, any page's console) names an applicant any test's host held. A finding fails the run.
import { scanRunLogs } from '../support/logScan';

export default function teardown(): void {
  const scan = scanRunLogs();
  console.log(`log scan: ${scan.logs} logs searched for ${scan.markers} applicant strings, ${scan.found.length} found`);
  if (scan.found.length > 0) {
    throw new Error(`Applicant data in the run's logs (test-results/e2e-logs):\n${scan.found.slice(0, 50).join('\n')}${scan.found.length > 50 ? `\n… and ${scan.found.length - 50} more` : ''}`);
  }
}
