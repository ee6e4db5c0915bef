import { defineConfig } from 'vitest/config';

// `pnpm fuzz`: only the fuzz suites, at 10 000 cases each unless CNN_FUZZ_CASES says otherwise
// (`pnpm test` runs the same suites at a few thousand cases).
export default defineConfig({
  test: {
    include: ['src/**/*.fuzz.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    env: { CNN_FUZZ_CASES: process.env.CNN_FUZZ_CASES || '10000' },
    testTimeout: 3_600_000,
    pool: 'forks',
  },
});
