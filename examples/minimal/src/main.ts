// The whole pipeline in one file, calling the libraries directly: train a ResNet on real CIFAR-10
// images, then measure clean accuracy, calibration and robustness to PGD. Copy it and adapt.
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { initBackend } from '@cnn/backend';
import { cifarTrainTransform, loader, type Dataset } from '@cnn/data';
import { loadCifar } from '@cnn/data/node';
import { createModel } from '@cnn/models';
import { evaluate, train } from '@cnn/train';

const SAMPLE = fileURLToPath(new URL('../../cifar/sample', import.meta.url)); // 1,200 train / 400 test images
const firstN = (d: Dataset, n: number): Dataset => ({ length: Math.min(n, d.length), classNames: d.classNames, get: (i, rng) => d.get(i, rng) });

export async function main({ data = SAMPLE, trainImages = 600, testImages = 200, epochs = 2, seed = 0, log = console.log } = {}) {
  const { backend } = await initBackend(); // tfjs-node if installed, else wasm (or env CNN_BACKEND)
  const trainSet = firstN(await loadCifar({ root: data, split: 'train' }), trainImages);
  const testSet = firstN(await loadCifar({ root: data, split: 'test' }), testImages);
  const model = createModel('resnet20', { seed }); // He et al.'s CIFAR ResNet-20; every random choice comes from `seed`
  try {
    const history = await train({ model, epochs, seed, progress: 'none', optimizer: { type: 'sgd', momentum: 0.9, weightDecay: 5e-4 },
      schedule: { type: 'cosine', lr: 0.1 }, trainLoader: loader(trainSet, { batchSize: 50, shuffle: true, seed, transform: cifarTrainTransform() }) });
    const losses = history.epochs.map((e) => e.trainLoss);
    log(`${backend}: trained on ${trainSet.length} images, loss per epoch ${losses.map((l) => l.toFixed(3)).join(' → ')}`);
    // Eval mode (BatchNorm's running statistics); PGD-10 attacks the examples classified correctly (AutoAttack's rule).
    const r = await evaluate(model, loader(testSet, { batchSize: 100 }), { seed, attacks: [{ type: 'pgd', eps: 8 / 255, steps: 10, name: 'pgd-10' }] });
    log(`clean accuracy ${r.accuracy.toFixed(3)} on ${r.n} test images`);
    log(`calibration: ECE ${r.ece.toFixed(4)}, debiased top-label ℓ2 CE ${r.calibrationErrorTopLabel.toFixed(4)}`);
    log(`robust accuracy under PGD-10 (ε = 8/255): ${r.robust!.perAttack['pgd-10'].toFixed(3)}`);
    return { backend, losses, clean: r.accuracy, robust: r.robust!.perAttack['pgd-10'], ece: r.ece, debiasedCE: r.calibrationErrorTopLabel };
  } finally {
    model.dispose();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) { // as a program: node dist/main.js [--data DIR]
  const args = process.argv.slice(2).filter((a, i) => i > 0 || a !== '--'); // `pnpm start -- --data DIR` passes its `--` on
  const run = async () => main({ data: parseArgs({ args, options: { data: { type: 'string' } } }).values.data });
  run().catch((error: unknown) => {
    console.error(`example-minimal: ${error instanceof Error ? error.message : String(error)}`); // one line, no stack trace
    process.exitCode = 1;
  });
}
