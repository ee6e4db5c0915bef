/**
 * `node dist/main.js --profile --backend tensorflow --models resnet20 --tasks train [--impl cnn|ref --bn ...] [--by-shape]`:
 * which kernels one step spends its time in (tf.profile; kernel times are wall-clock per kernel,
 * so only the distribution is meaningful on a loaded machine).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ARCHS, DEFAULT_BATCH } from './arch.js';
import { createRefModel, type BnMode } from './ref-resnet.js';
import { stepFns, type BenchModel, type Task } from './steps.js';

export async function profileMain(argv: string[]): Promise<void> {
  const get = (k: string, d: string): string => (argv.includes(k) ? argv[argv.indexOf(k) + 1] : d);
  const backend = get('--backend', 'tensorflow') as 'tensorflow' | 'wasm' | 'cpu';
  const arch = get('--models', 'resnet20').split(',')[0];
  const task = get('--tasks', 'train').split(',')[0] as Task;
  const impl = get('--impl', 'cnn');
  const be = await import('@cnn/backend');
  await be.initBackend(backend);
  const spec = ARCHS[arch];
  if (argv.includes('--stock-relu-grad')) {
    const choice = await import('./relu-gradient-choice.js');
    choice.rememberShippedReluGradient();
    choice.useReluGradient('stock');
  }
  let model: BenchModel;
  if (impl === 'cnn') {
    const m = (await import('@cnn/models' as string)) as { createModel: (n: string, o: object) => BenchModel };
    model = m.createModel(arch, { numClasses: spec.numClasses, stem: spec.stem });
  } else {
    const r = createRefModel(spec, get('--bn', 'lib') as BnMode);
    if (argv.includes('--fold')) r.foldBatchNorm();
    model = r;
  }
  const fns = await stepFns(model, spec, { batch: Number(get('--batch', String(DEFAULT_BATCH[arch]))), task, pgdImpl: 'own' });
  await fns.step();
  await fns.step();
  const t0 = performance.now();
  const info = await tf.profile(async () => {
    await fns.step();
  });
  const wall = performance.now() - t0;
  const by = new Map<string, { n: number; ms: number }>();
  for (const k of info.kernels) {
    const e = by.get(k.name) ?? { n: 0, ms: 0 };
    e.n++;
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    by.set(k.name, e);
  }
  const total = [...by.values()].reduce((a, e) => a + e.ms, 0);
  console.log(`${backend} ${arch} ${task} (${impl}): ${info.kernels.length} kernels, Σ kernel ${total.toFixed(0)} ms, wall ${wall.toFixed(0)} ms (profiling adds overhead)`);
  for (const [name, e] of [...by.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25)) {
    console.log(`${name.padEnd(28)} ${String(e.n).padStart(5)} calls ${e.ms.toFixed(1).padStart(9)} ms ${((100 * e.ms) / total).toFixed(1).padStart(5)}%`);
  }
  if (argv.includes('--by-shape')) {
    // The convolutions per input shape: which layers a kernel change should target.
    const shapes = new Map<string, { n: number; ms: number }>();
    for (const k of info.kernels) {
      if (!k.name.startsWith('Conv2D')) continue;
      const key = `${k.name} ${k.inputShapes.map((s) => `[${s}]`).join(' ')}`;
      const e = shapes.get(key) ?? { n: 0, ms: 0 };
      e.n++;
      e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      shapes.set(key, e);
    }
    for (const [key, e] of [...shapes.entries()].sort((a, b) => b[1].ms - a[1].ms)) {
      console.log(`${key.padEnd(70)} ${String(e.n).padStart(3)}× ${e.ms.toFixed(1).padStart(8)} ms`);
    }
  }
  fns.dispose();
  process.exit(0);
}
