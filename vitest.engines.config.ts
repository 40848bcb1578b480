import { defineConfig } from 'vitest/config';

/**
 * The cross-engine suite: test/engines in Firefox ESR or WebKitGTK (`E2E_ENGINE=firefox|webkit`; `npm test` runs it
 * once per engine) against the built app, served like the Chromium suite's. One file at a time and one worker: CI
 * has two cores and each page trains a network in a worker of its own.
 */
export default defineConfig({
  test: {
    include: ['test/engines/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/e2e/globalSetup.ts'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    // Bounds for a loaded 2-core machine (WebKit trained at 0.2–0.6 steps/s at a load average of 30).
    testTimeout: 600_000,
    hookTimeout: 240_000,
  },
});
