import { defineConfig } from 'tsup';

export default defineConfig({
  // image-worker: the decode worker's script, loaded by path at run time; bench: `pnpm bench`.
  entry: ['src/index.ts', 'src/image-worker.ts', 'src/bench.ts'],
  format: ['esm', 'cjs'],
  dts: { entry: 'src/index.ts' },
  sourcemap: true,
  clean: true,
  target: 'es2022',
  // import.meta.url in the CJS build (used to find the worker script).
  shims: true,
  // Only the bench starts a backend; @cnn/backend is a dev dependency, so it is not bundled in.
  external: ['@cnn/backend'],
});
