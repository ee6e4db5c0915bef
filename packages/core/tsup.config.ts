import { defineConfig } from 'tsup';

export default defineConfig({
  // Three entries so that importing the RNG or the types never loads tfjs-core (calibration and
  // corruptions are tensor-free), and only Node code loads node:fs.
  entry: { index: 'src/index.ts', gradients: 'src/gradients.ts', node: 'src/node/index.ts', testing: 'src/testing/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  // No source maps: the published files are the readable ESM/CJS tsup emits; maps doubled the tarballs.
  sourcemap: false,
  clean: true,
  target: 'es2022',
});
