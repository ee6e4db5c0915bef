import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// The built package (test/global-setup.ts rebuilds dist when older than src), as consumers load it.
const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(pkgDir, 'dist');

describe('importing the built @cnn/data does no work (sideEffects: false)', () => {
  // What importing could change: tfjs' backends/kernels/gradients, the native sharp addon, live handles.
  const probe = `JSON.stringify({ backends: Object.keys(tf.engine().registryFactory).sort(), active: tf.engine().backendName ?? null,
    cpuKernels: tf.getKernelsForBackend('cpu').length, conv2dGrad: tf.getGradient('Conv2D') != null,
    sharp: process.moduleLoadList.some((m) => /sharp/i.test(m)) || Object.keys(require.cache).some((k) => k.includes('sharp')) })`;
  it.each(['cjs', 'esm'] as const)('%s build: tfjs untouched, sharp not loaded, process exits', (kind) => {
    const script =
      kind === 'cjs'
        ? `const tf = require('@tensorflow/tfjs-core'); const a = ${probe}; require(${JSON.stringify(path.join(dist, 'index.cjs'))}); console.log(JSON.stringify([a, ${probe}]));`
        : `import * as tf from '@tensorflow/tfjs-core'; import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);` +
          ` const a = ${probe}; await import(${JSON.stringify(pathToFileURL(path.join(dist, 'index.js')).href)}); console.log(JSON.stringify([a, ${probe}]));`;
    const r = spawnSync(process.execPath, kind === 'cjs' ? ['-e', script] : ['--input-type=module', '-e', script], { cwd: pkgDir, encoding: 'utf8', timeout: 60_000 });
    expect(r.signal, `did not exit on its own: ${r.stderr}`).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    const [before, after] = (JSON.parse(r.stdout.trim().split('\n').pop()!) as string[]).map((s) => JSON.parse(s));
    expect(after).toEqual(before);
    expect(after.sharp).toBe(false);
  });
});
