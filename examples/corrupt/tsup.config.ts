import { defineConfig } from 'tsup';

export default defineConfig({
  // The worker is its own entry: worker_threads loads it by file name.
  entry: ['src/main.ts', 'src/worker.ts'],
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
