import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './tests/e2e/browser';

// End-to-end tests drive the real renderer in Debian's Chromium through the browser host.
export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.e2e.ts',
  outputDir: 'test-results/e2e',
  // Every host's and page's log of the run is kept, then searched for applicant data (tests/support/logScan.ts).
  globalSetup: './tests/e2e/logs.setup.ts',
  globalTeardown: './tests/e2e/logs.teardown.ts',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  // A test's fixtures count toward it: a host seeding demo data on a busy two-core machine can take 20–50 s to start.
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-report.json' }]],
  use: {
    browserName: 'chromium',
    launchOptions: chromiumLaunchOptions(),
    viewport: { width: 1440, height: 900 },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
