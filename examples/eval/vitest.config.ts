import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The end-to-end tests spawn the built CLI (dist/main.js) as a child process; turbo.json makes
    // `test` depend on this package's own `build`.
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // The json report feeds the workspace's one-line summary (scripts/test-summary.mjs).
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
  },
});
