import { defineConfig } from 'tsup';

export default defineConfig({
  // index: runs anywhere; node: files, archives, decoding; image-worker: the decode worker's
  // script, loaded by path at run time. The benchmark builds separately (bench/tsup.config.ts).
  entry: { index: 'src/index.ts', node: 'src/node.ts', 'image-worker': 'src/image-worker.ts' },
  format: ['esm', 'cjs'],
  dts: { entry: { index: 'src/index.ts', node: 'src/node.ts' } },
  // Shared code in shared chunks, in CJS too: one CifarDataset class whichever entry loaded it.
  splitting: true,
  // No source maps: the published files are the readable ESM/CJS tsup emits; maps doubled the tarballs.
  sourcemap: false,
  clean: true,
  target: 'es2022',
  // import.meta.url in the CJS build (used to find the worker script).
  shims: true,
});
