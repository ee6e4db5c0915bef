import { defineConfig } from 'tsup';

export default defineConfig({
  // `setup` holds the kernel code (≈ 0.5 MB of embedded WebAssembly) and is imported on demand;
  // the light entry only names the kernels and says whether they run. Splitting keeps one copy of
  // the shared state module for both entries, in ESM and CJS alike.
  entry: { index: 'src/index.ts', setup: 'src/setup.ts' },
  format: ['esm', 'cjs'],
  splitting: true,
  dts: true,
  // No source maps: the published files are the readable ESM/CJS tsup emits; maps doubled the tarballs.
  sourcemap: false,
  clean: true,
  target: 'es2022',
  // import.meta.url in the CJS build (used to resolve tfjs-backend-wasm's files).
  shims: true,
});
