import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The page test drives the built page (dist/) in headless Chromium; turbo.json makes `test`
    // depend on this package's own `build`.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    // The json report feeds the workspace's one-line summary (scripts/test-summary.mjs).
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
  },
});
