import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
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
  it.each(['cjs', 'esm'] as const)('%s build of both entries: tfjs untouched, sharp not loaded, process exits', (kind) => {
    const [index, node] = ['index', 'node'].map((e) => path.join(dist, `${e}.${kind === 'cjs' ? 'cjs' : 'js'}`));
    const script =
      kind === 'cjs'
        ? `const tf = require('@tensorflow/tfjs-core'); const a = ${probe}; require(${JSON.stringify(index)}); require(${JSON.stringify(node)}); console.log(JSON.stringify([a, ${probe}]));`
        : `import * as tf from '@tensorflow/tfjs-core'; import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);` +
          ` const a = ${probe}; await import(${JSON.stringify(pathToFileURL(index).href)}); await import(${JSON.stringify(pathToFileURL(node).href)}); console.log(JSON.stringify([a, ${probe}]));`;
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
  // sharp is an optional peer: only the node entry may load it (with import(), when decoding).
  const imported = /(?:\bfrom\s*|\brequire\(\s*|\bimport\(\s*)["']([^"'./][^"']*)["']/g;
  const packageOf = (spec: string): string => spec.split('/').slice(0, spec.startsWith('@') ? 2 : 1).join('/');
  it('every package imported by dist/ is a dependency, a peer or built into Node', () => {
    const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    const declared = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
    const files = readdirSync(dist).filter((f) => /\.c?js$/.test(f));
    expect(files).toEqual(expect.arrayContaining(['index.js', 'index.cjs', 'node.js', 'node.cjs', 'image-worker.js', 'image-worker.cjs']));
    const undeclared = files.flatMap((f) =>
      [...readFileSync(path.join(dist, f), 'utf8').matchAll(imported)]
        .map((m) => packageOf(m[1].replace(/^node:/, '')))
        .filter((name) => !declared.has(name) && !builtinModules.includes(name))
        .map((name) => `${f}: ${name}`),
    );
    expect(undeclared).toEqual([]);
  });
});

describe('the published @cnn/data', () => {
  it('npm pack ships the built entries, README and LICENSE: no bench, test or source files', () => {
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: pkgDir, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const files = (JSON.parse(r.stdout) as { files: { path: string }[] }[])[0].files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['dist/index.js', 'dist/node.cjs', 'dist/node.d.ts', 'dist/image-worker.js', 'README.md', 'LICENSE']));
    expect(files.filter((f) => !/^dist\/[\w.-]+$|^(README\.md|LICENSE|package\.json)$/.test(f))).toEqual([]);
    expect(files.filter((f) => /bench|test|fixture/i.test(f))).toEqual([]);
  });

  it.each(['cjs', 'esm'] as const)('%s: a data set loadCifar (node entry) returns is an instance of the root entry CifarDataset', (kind) => {
    const bytes = new Uint8Array(3073 * 2).map((_, i) => (i % 3073 === 0 ? 3 : i % 251));
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'cnn-data-dist-'));
    try {
      writeFileSync(path.join(tmp, 'test_batch.bin'), bytes);
      const [index, node] = ['index', 'node'].map((e) => path.join(dist, `${e}.${kind === 'cjs' ? 'cjs' : 'js'}`));
      const body = `const ds = await node.loadCifar({ root: ${JSON.stringify(tmp)}, split: 'test' }); console.log(JSON.stringify({ same: ds instanceof index.CifarDataset, length: ds.length }));`;
      const script =
        kind === 'cjs'
          ? `const index = require(${JSON.stringify(index)}); const node = require(${JSON.stringify(node)}); (async () => { ${body} })();`
          : `const index = await import(${JSON.stringify(pathToFileURL(index).href)}); const node = await import(${JSON.stringify(pathToFileURL(node).href)}); ${body}`;
      const r = spawnSync(process.execPath, kind === 'cjs' ? ['-e', script] : ['--input-type=module', '-e', script], { cwd: pkgDir, encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout.trim())).toEqual({ same: true, length: 2 });
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('sharp is an optional peer', () => {
  it('without sharp installed, CIFAR loads and decoding an image says `npm install sharp`', () => {
    // A real install without sharp: the built dist beside node_modules holding its dependencies (@cnn/core,
    // @cnn/corruptions) and tfjs-core, nothing else.
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'cnn-data-nosharp-'));
    try {
      const pkg = path.join(tmp, 'app', 'node_modules', '@cnn', 'data');
      cpSync(dist, path.join(pkg, 'dist'), { recursive: true });
      cpSync(path.join(pkgDir, 'package.json'), path.join(pkg, 'package.json'));
      const link = (name: string) => {
        mkdirSync(path.dirname(path.join(tmp, 'app', 'node_modules', name)), { recursive: true });
        symlinkSync(realpathSync(path.join(pkgDir, 'node_modules', name)), path.join(tmp, 'app', 'node_modules', name));
      };
      link('@cnn/core');
      link('@cnn/corruptions');
      link('@tensorflow/tfjs-core');
      writeFileSync(path.join(tmp, 'test_batch.bin'), new Uint8Array(3073));
      writeFileSync(path.join(tmp, 'x.png'), new Uint8Array([137, 80, 78, 71]));
      const script = `import { loadCifar, decodeImage } from '@cnn/data/node';
        const ds = await loadCifar({ root: ${JSON.stringify(tmp)}, split: 'test' });
        const err = await decodeImage(${JSON.stringify(path.join(tmp, 'x.png'))}, { mode: 'none', size: 1, resize: 1, scale: [1, 1], ratio: [1, 1], flip: 0 }, 0).then(() => null, (e) => e.message);
        console.log(JSON.stringify({ length: ds.length, err }));`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: path.join(tmp, 'app'), encoding: 'utf8', timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout.trim()) as { length: number; err: string };
      expect(out.length).toBe(1);
      expect(out.err).toContain("optional peer dependency 'sharp', which is not installed: run `npm install sharp`");
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
