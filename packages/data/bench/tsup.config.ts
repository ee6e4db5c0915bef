import { defineConfig } from 'tsup';

// `pnpm bench` builds the benchmark here, outside dist/, so the published package has no bench.
// The decode worker is built beside it: the bundled worker pool looks for ./image-worker.js.
export default defineConfig({
  entry: { bench: 'bench/bench.ts', 'image-worker': 'src/image-worker.ts' },
  outDir: 'bench/dist',
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'es2022',
  external: ['@cnn/backend', 'sharp'],
});
