import { defineConfig } from '@playwright/test';

// The same end-to-end suite through Playwright's _electron.launch against the built app, for
// machines that have the Electron binary (`npm run test:electron`). Tests that exercise the
// browser host's HTTP transport itself are tagged @host and left out here.
process.env.VERITY_E2E_TARGET = 'electron';

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.e2e.ts',
  grepInvert: /@host/,
  outputDir: 'test-results/e2e-electron',
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
});
