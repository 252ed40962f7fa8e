// Playwright's global setup: the run's logs start empty (tests/support/logScan.ts).
import { clearRunLogs } from '../support/logScan';

export default function setup(): void {
  clearRunLogs();
}
