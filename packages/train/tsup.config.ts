import { defineConfig } from 'tsup';

export default defineConfig({
  // index: runs anywhere (browsers too); node: the run folder, checkpoint files, terminal bar, SIGINT.
  entry: { index: 'src/index.ts', node: 'src/node.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  // Shared code in shared chunks, in CJS too: one MemoryCheckpointSink / Optimizer class whichever entry loaded it.
  splitting: true,
  // No source maps: the published files are the readable ESM/CJS tsup emits; maps doubled the tarballs.
  sourcemap: false,
  clean: true,
  target: 'es2022',
});
