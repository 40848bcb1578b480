import { defineConfig } from 'vitest/config';

/**
 * End-to-end tests: the built app in Debian's Chromium, driven by playwright-core. Kept apart from the Node suite
 * (vitest.config.ts excludes test/e2e) because they need a browser and a production build. One file at a time and
 * one worker: CI has two cores and each page trains a network in a worker of its own.
 */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    environment: 'node',
    globalSetup: ['test/e2e/globalSetup.ts'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 180_000,
  },
});
