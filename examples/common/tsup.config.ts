import { defineConfig } from 'tsup';

export default defineConfig({
  // Three entries so that the CLI front end (`.`) never loads TF.js: `./run` does, `./testing` is for tests.
  entry: ['src/index.ts', 'src/run.ts', 'src/testing.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'es2022',
});
