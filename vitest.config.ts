import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,electron,server,renderer,scripts,tests/unit}/**/*.test.{ts,tsx}'],
    environment: 'node',
    // Removes each test file's tempFolder folders, also when a test fails.
    setupFiles: ['tests/support/tempFolder.setup.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
