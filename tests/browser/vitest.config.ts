import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // One headless Chromium at a time: SwiftShader's WebGL/WebGPU use the CPU (2 cores here).
    fileParallelism: false,
    // The json report feeds the workspace's one-line summary (scripts/test-summary.mjs).
    reporters: ['default', ['json', { outputFile: '.vitest/results.json' }]],
  },
});
