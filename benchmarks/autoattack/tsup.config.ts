import { defineConfig } from 'tsup';

// Its own output folder: the throughput harness' tsup config cleans benchmarks/dist.
export default defineConfig({
  entry: { main: 'autoattack/main.ts' },
  outDir: 'autoattack/dist',
  format: ['esm'],
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
