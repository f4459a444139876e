import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/plain-summary-reporter.ts'],
    globalSetup: ['./test/global-setup.ts'],
    // Bundling workflows and replaying histories takes seconds on a 2-core machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
