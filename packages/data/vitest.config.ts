import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Builds dist/image-worker.js when stale: worker threads need the built script.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // The json report feeds the workspace's one-line summary (scripts/test-summary.mjs).
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
  },
});
