import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  // No source maps: the published files are the readable ESM/CJS tsup emits; maps doubled the tarballs.
  sourcemap: false,
  clean: true,
  target: 'es2022',
});
