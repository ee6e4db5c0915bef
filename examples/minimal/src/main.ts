// The whole pipeline in one file, calling the libraries directly: train a ResNet on real CIFAR-10
// images, then measure clean accuracy, robustness to PGD and calibration. Copy it and adapt.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { cifarTrainTransform, loadCifar, loader, type Dataset } from '@cnn/data';
import { createModel, toClassifier } from '@cnn/models';
import { train } from '@cnn/train';
import { pgd, robustAccuracy } from '@cnn/attacks';
import { accuracy, calibrationError, ece } from '@cnn/calibration';

// The small cut of real CIFAR-10 committed in examples/cifar (1,200 train / 400 test images).
const SAMPLE = fileURLToPath(new URL('../../cifar/sample', import.meta.url));
// The first n examples, so that the run takes seconds (a data set is anything with length, classNames, get).
const firstN = (d: Dataset, n: number): Dataset =>
  ({ length: Math.min(n, d.length), classNames: d.classNames, get: (i, rng) => d.get(i, rng) });

export async function main({ data = SAMPLE, trainImages = 600, testImages = 200, epochs = 2, seed = 0, log = console.log } = {}) {
  const { backend } = await initBackend(); // tfjs-node if installed, else wasm (or env CNN_BACKEND)
  const trainSet = firstN(await loadCifar({ root: data, split: 'train' }), trainImages);
  const testSet = firstN(await loadCifar({ root: data, split: 'test' }), testImages);
  const model = createModel('resnet20', { seed }); // He et al.'s CIFAR ResNet-20, 269,722 parameters
  try {
    // Every random choice (initialisation, order, crops and flips, attack starts) comes from `seed`.
    const history = await train({
      model, epochs, seed, progress: 'none',
      trainLoader: loader(trainSet, { batchSize: 50, shuffle: true, seed, transform: cifarTrainTransform() }),
      optimizer: { type: 'sgd', momentum: 0.9, weightDecay: 5e-4 },
      schedule: { type: 'cosine', lr: 0.1 },
    });
    const losses = history.epochs.map((e) => e.trainLoss);
    log(`${backend}: trained on ${trainSet.length} images, loss per epoch ${losses.map((l) => l.toFixed(3)).join(' → ')}`);

    // Calibration needs every test prediction: softmax per batch, kept on the host as plain arrays.
    const classify = toClassifier(model); // eval mode: BatchNorm uses its running statistics
    const probs: number[][] = [], labels: number[] = [];
    for await (const { images, labels: y } of loader(testSet, { batchSize: 100 })) {
      const p = tf.tidy(() => tf.softmax(classify(images)));
      probs.push(...(p.arraySync() as number[][]));
      labels.push(...(y.arraySync() as number[]));
      tf.dispose([p, images, y]); // the batches a loader yields are ours to dispose
    }
    const clean = accuracy(probs, labels);
    const calibration = { ece: ece(probs, labels), debiasedCE: calibrationError(probs, labels, { mode: 'top-label' }) };
    log(`clean accuracy ${clean.toFixed(3)} on ${labels.length} test images`);
    log(`calibration: ECE ${calibration.ece.toFixed(4)}, debiased top-label ℓ2 CE ${calibration.debiasedCE.toFixed(4)}`);

    // PGD-10 at ε = 8/255 runs on the examples classified correctly; robustAccuracy disposes the batches.
    const report = await robustAccuracy(classify, loader(testSet, { batchSize: 100 }), {
      'pgd-10': (c, x, y) => pgd(c, x, y, { eps: 8 / 255, steps: 10, seed }),
    });
    const robust = report.attackAccuracy['pgd-10'];
    log(`robust accuracy under PGD-10 (ε = 8/255): ${robust.toFixed(3)}`);
    return { backend, losses, clean, robust, ...calibration };
  } finally {
    model.dispose(); // its variables are all the tensors left; the rest was disposed as it went
  }
}

// As a program: `node dist/main.js [--data DIR]`, DIR holding cifar-10-batches-bin/ or the .tar.gz.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = process.argv.slice(2);
  if (args[0] === '--') args.shift(); // `pnpm start -- --data DIR` passes its `--` on
  try {
    await main({ data: parseArgs({ args, options: { data: { type: 'string' } } }).values.data });
  } catch (error) { // bad input (an unknown flag, no CIFAR files at --data): its message, no stack trace
    console.error(`example-minimal: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
