import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The built package as real consumers load it: `require()` of dist/index.cjs and `import()` of
 * dist/index.js, each in a fresh Node process (no vite transforms), training one tiny step. Catches
 * CJS/ESM packaging mistakes, gradients registered on a different tfjs-core instance ("gradient
 * function not found"), and wasm threads that keep Node from exiting.
 */
const pkgDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(pkgDir, 'dist');

// One training step of a conv + dense net through the consumer's own tfjs-core; prints JSON.
const body = `
  const choice = await backend.initBackend(process.argv[1]);
  const before = tf.memory().numTensors;
  const x = tf.tensor4d(Array.from({ length: 2 * 6 * 6 * 3 }, (_, i) => (i % 7) / 7), [2, 6, 6, 3]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3));
  const w0 = tf.tensor4d(Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => ((i % 5) - 2) / 10), [3, 3, 3, 4]);
  const d0 = tf.tensor2d(Array.from({ length: 4 * 3 }, (_, i) => ((i % 3) - 1) / 5), [4, 3]);
  const w = tf.variable(w0);
  const d = tf.variable(d0);
  tf.dispose([w0, d0]);
  const loss = () => tf.mean(tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(tf.matMul(tf.mean(tf.relu(tf.conv2d(x, w, 2, 'same')), [1, 2]), d))), -1)));
  const losses = [];
  for (let i = 0; i < 2; i++) {
    const { value, grads } = tf.variableGrads(loss);
    losses.push(value.dataSync()[0]);
    tf.tidy(() => { for (const [k, g] of Object.entries(grads)) { const v = k === w.name ? w : d; v.assign(tf.sub(v, tf.mul(g, 0.5))); } });
    tf.dispose([value, ...Object.values(grads)]);
  }
  tf.dispose([x, y, w, d]);
  console.log(JSON.stringify({ backend: choice.backend, info: backend.backendInfo(), losses, leaked: tf.memory().numTensors - before }));
`;
const cjs = `const tf = require('@tensorflow/tfjs-core'); const backend = require(${JSON.stringify(path.join(dist, 'index.cjs'))}); (async () => { ${body} })().catch((e) => { console.error(e); process.exit(1); });`;
const esm = `import * as tf from '@tensorflow/tfjs-core'; const backend = await import(${JSON.stringify(new URL('file://' + path.join(dist, 'index.js')).href)}); ${body}`;

function runChild(kind: 'cjs' | 'esm', backend: string) {
  const args = kind === 'cjs' ? ['-e', cjs, backend] : ['--input-type=module', '-e', esm, backend];
  const r = spawnSync(process.execPath, args, {
    cwd: pkgDir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3', CNN_BACKEND: '' },
  });
  const detail = `${kind} on ${backend}: status ${r.status}, signal ${r.signal}\n${r.stderr}`;
  expect(r.signal, `did not exit on its own (${detail})`).toBeNull();
  expect(r.status, detail).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as { backend: string; info: { threads: number }; losses: number[]; leaked: number };
}

function tensorflowAvailable(): string | null {
  const r = spawnSync(process.execPath, ['-e', "require('@tensorflow/tfjs-node')"], { cwd: pkgDir, encoding: 'utf8', env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '3' } });
  return r.status === 0 ? null : (r.stderr.split('\n').find((l) => /Error/.test(l)) ?? 'cannot load @tensorflow/tfjs-node');
}
const tensorflowSkip = tensorflowAvailable();
if (tensorflowSkip) console.warn(`SKIPPED dist test on tensorflow: ${tensorflowSkip}`);

describe('the built dist in a plain Node process', () => {
  beforeAll(() => {
    for (const f of ['index.cjs', 'index.js', 'index.d.ts', 'index.d.cts']) {
      if (!fs.existsSync(path.join(dist, f))) throw new Error(`dist/${f} is missing: run \`pnpm build\` in packages/backend first`);
    }
    const built = fs.statSync(path.join(dist, 'index.js')).mtimeMs;
    const stale = fs
      .readdirSync(path.join(pkgDir, 'src'), { recursive: true })
      .map(String)
      // src/generated is rewritten by pretest itself; the build bundles the same content.
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('generated'))
      .filter((f) => fs.statSync(path.join(pkgDir, 'src', f)).mtimeMs > built);
    if (stale.length) throw new Error(`dist is older than src/${stale[0]}: run \`pnpm build\` in packages/backend first`);
  });

  const cases: [kind: 'cjs' | 'esm', backend: string][] = [
    ['cjs', 'wasm'],
    ['esm', 'wasm'],
    ['cjs', 'cpu'],
    ['esm', 'cpu'],
  ];
  it.each(cases)('%s build trains a step on %s and exits', (kind, backend) => {
    const out = runChild(kind, backend);
    expect(out.backend).toBe(backend);
    expect(out.leaked).toBe(0);
    expect(out.losses[1]).toBeLessThan(out.losses[0]);
    if (backend === 'wasm') expect(out.info.threads).toBeGreaterThanOrEqual(1);
  });

  it.skipIf(tensorflowSkip != null).each([['cjs'], ['esm']] as const)('%s build trains a step on tensorflow and exits', (kind) => {
    const out = runChild(kind, 'tensorflow');
    expect(out.backend).toBe('tensorflow');
    expect(out.leaked).toBe(0);
    expect(out.losses[1]).toBeLessThan(out.losses[0]);
  });
});

describe('the built dist is honest about sideEffects: false and bundles for the browser', () => {
  // What a tfjs-core user can observe: registered backends, kernels, gradients, the active backend.
  const probe = `JSON.stringify({ backends: Object.keys(tf.engine().registryFactory).sort(), active: tf.engine().backendName ?? null,
    wasmKernels: tf.getKernelsForBackend('wasm').length, cpuKernels: tf.getKernelsForBackend('cpu').length,
    conv2dGrad: tf.getGradient('Conv2D') != null, reluGrad: tf.getGradient('Relu') != null })`;
  it.each(['cjs', 'esm'] as const)('importing the %s build changes nothing in tfjs and keeps nothing alive', (kind) => {
    const script =
      kind === 'cjs'
        ? `const tf = require('@tensorflow/tfjs-core'); const a = ${probe}; require(${JSON.stringify(path.join(dist, 'index.cjs'))}); console.log(JSON.stringify([a, ${probe}]));`
        : `import * as tf from '@tensorflow/tfjs-core'; const a = ${probe}; await import(${JSON.stringify(new URL('file://' + path.join(dist, 'index.js')).href)}); console.log(JSON.stringify([a, ${probe}]));`;
    const r = spawnSync(process.execPath, kind === 'cjs' ? ['-e', script] : ['--input-type=module', '-e', script], { cwd: pkgDir, encoding: 'utf8', timeout: 60_000 });
    expect(r.signal, `did not exit on its own: ${r.stderr}`).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    const [before, after] = (JSON.parse(r.stdout.trim().split('\n').pop()!) as string[]).map((s) => JSON.parse(s));
    expect(after).toEqual(before);
    expect(before.conv2dGrad).toBe(false); // tfjs-core's Node entry has none: the probe can see a registration
  });

  it('esbuild --bundle --platform=browser of a file importing it succeeds (tfjs-core external) without Node-only packages', async () => {
    const { build } = await import('esbuild');
    const out = await build({
      stdin: { contents: "import { initBackend, createRng } from '@cnn/backend'; export const go = () => initBackend('wasm').then(() => createRng(1).uniform());", resolveDir: pkgDir },
      bundle: true,
      platform: 'browser',
      format: 'esm',
      external: ['@tensorflow/tfjs-core'],
      alias: { '@cnn/backend': pkgDir },
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    expect(out.errors).toEqual([]);
    const inputs = Object.keys(out.metafile.inputs);
    expect(inputs.some((f) => f.endsWith('dist/index.js'))).toBe(true); // the ESM build, via the exports map
    // pnpm paths name peers in folder suffixes (…_@tensorflow+tfjs-core@4.22.0/…): match the package folder itself
    expect(inputs.filter((f) => /node_modules\/@tensorflow\/tfjs-(core|node)/.test(f))).toEqual([]);
  });
});
