// PGD-10 throughput on ResNet-20 (CIFAR-10 sized) and its cost relative to one training step.
// Not a test: prints numbers. Usage: pnpm --filter @cnn/attacks bench
//   env CNN_BACKEND (default wasm), BENCH_BATCH (default 32), BENCH_REPEATS (default 3).
// Needs the built dist of this package and of @cnn/models / @cnn/backend (`pnpm build`).
import { readFileSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { createModel, toClassifier } from '@cnn/models';
import { pgd } from '../dist/index.js';

const backend = process.env.CNN_BACKEND || 'wasm';
const batch = Number(process.env.BENCH_BATCH || 32);
const repeats = Number(process.env.BENCH_REPEATS || 3);

const choice = await initBackend(backend);
console.log(`backend: ${choice.backend} (${choice.reason}); batch ${batch}; median of ${repeats}`);

// Real CIFAR-10 test images when the shared data is there (<repo>/../shared/data), else uniform noise.
const file = fileURLToPath(new URL('../../../../shared/data/cifar-10-batches-bin/test_batch.bin', import.meta.url));
const pixels = new Float32Array(batch * 3072);
const labels = new Int32Array(batch);
if (existsSync(file)) {
  const buf = readFileSync(file);
  for (let n = 0; n < batch; n++) {
    const base = n * 3073;
    labels[n] = buf[base];
    for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) pixels[(n * 1024 + p) * 3 + c] = buf[base + 1 + c * 1024 + p] / 255;
  }
} else {
  console.log(`(${file} not found: using random images)`);
  for (let i = 0; i < pixels.length; i++) pixels[i] = Math.random();
  for (let n = 0; n < batch; n++) labels[n] = n % 10;
}
const images = tf.tensor4d(pixels, [batch, 32, 32, 3]);
const labelT = tf.tensor1d(labels, 'int32');

const model = createModel('resnet20', { seed: 0 });
const classifier = toClassifier(model);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function timeIt(f) {
  await f(); // warm-up (kernel compilation, allocations)
  const times = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    await f();
    times.push(performance.now() - t0);
  }
  return median(times);
}

const pgdMs = await timeIt(async () => {
  const r = await pgd(classifier, images, labelT, { eps: 8 / 255, stepSize: 2 / 255, steps: 10, seed: 0 });
  r.adversarial.dispose();
});

// One SGD training step: forward in training mode, gradients of all parameters, update.
const params = model.namedParameters().map(([, v]) => v);
let trainMs = NaN;
let trainError = '';
try {
  trainMs = await timeIt(async () => {
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => {
        const z = model.apply(images, { training: true });
        return tf.mean(tf.neg(tf.sum(tf.mul(tf.oneHot(labelT, 10), tf.logSoftmax(z)), 1)));
      }, params);
      for (const p of params) p.assign(tf.sub(p, tf.mul(grads[p.name], 0.01)));
    });
    await params[0].data(); // wait for the backend
  });
} catch (error) {
  trainError = error instanceof Error ? error.message.split('\n')[0] : String(error);
}

const result = {
  backend: choice.backend,
  model: 'resnet20',
  batch,
  pgd10Ms: Math.round(pgdMs),
  pgd10ImagesPerSec: +((batch * 1000) / pgdMs).toFixed(1),
  trainStepMs: Number.isNaN(trainMs) ? null : Math.round(trainMs),
  pgd10OverTrainStep: Number.isNaN(trainMs) ? null : +(pgdMs / trainMs).toFixed(2),
};
console.log(
  `PGD-10 (L∞, ε = 8/255): ${result.pgd10ImagesPerSec} images/s (${result.pgd10Ms} ms per batch of ${batch}); ` +
    (trainError
      ? `training step failed: ${trainError}`
      : `one training step: ${result.trainStepMs} ms, so PGD-10 costs ${result.pgd10OverTrainStep}× a training step`),
);
console.log(JSON.stringify(result));
images.dispose();
labelT.dispose();
model.dispose();
process.exit(0);
