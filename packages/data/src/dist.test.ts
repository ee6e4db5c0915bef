import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
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

describe('the built @cnn/data loads only the packages it declares', () => {
  // @cnn/backend is a dev dependency (for the bench and the tests): nothing a user loads may need it.
  const imported = /(?:\bfrom\s*|\brequire\(\s*|\bimport\(\s*)["']([^"'./][^"']*)["']/g;
  const packageOf = (spec: string): string => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
  it('every package imported by dist/ (all but the bench) is a dependency, a peer or built into Node', () => {
    const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
    const files = readdirSync(dist).filter((f) => /\.c?js$/.test(f) && !f.startsWith('bench.'));
    expect(files).toEqual(expect.arrayContaining(['index.js', 'index.cjs', 'image-worker.js', 'image-worker.cjs']));
    const undeclared = files.flatMap((f) =>
      [...readFileSync(path.join(dist, f), 'utf8').matchAll(imported)]
        .map((m) => packageOf(m[1].replace(/^node:/, '')))
        .filter((name) => !declared.has(name) && !builtinModules.includes(name))
        .map((name) => `${f}: ${name}`),
    );
    expect(undeclared).toEqual([]);
  });
});
