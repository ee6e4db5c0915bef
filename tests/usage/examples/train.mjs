// README "3. Train robust ResNets" (as a library), run as written by tests/usage.
// Needs: npm install @cnn/backend @cnn/data @cnn/models @cnn/train @tensorflow/tfjs-core; CIFAR-10 under ./data
import { initBackend } from '@cnn/backend';
import { cifarTrainTransform, loader } from '@cnn/data';
import { loadCifar } from '@cnn/data/node';
import { createModel } from '@cnn/models';
import { evaluate, train } from '@cnn/train';

await initBackend(); // tfjs-node if installed, else wasm
const trainSet = await loadCifar({ root: './data', split: 'train' }); // cifar-10-batches-bin/ or the .tar.gz
const testSet = await loadCifar({ root: './data', split: 'test' });
const model = createModel('resnet20', { seed: 0 });
// One epoch of PGD adversarial training (Madry et al.: 7 steps, ε = 8/255), then clean and PGD-20 accuracy.
await train({
  model, epochs: 1, seed: 0, progress: 'none', maxSteps: 2,
  trainLoader: loader(trainSet, { batchSize: 32, shuffle: true, seed: 0, transform: cifarTrainTransform() }),
  optimizer: { type: 'sgd', momentum: 0.9, weightDecay: 5e-4 }, schedule: { type: 'cosine', lr: 0.1 },
  mode: { type: 'pgd', eps: 8 / 255, steps: 7 },
});
const result = await evaluate(model, loader(testSet, { batchSize: 50 }), { maxExamples: 50, attacks: [{ type: 'pgd', eps: 8 / 255, steps: 20 }] });
console.log(`clean ${result.accuracy.toFixed(3)}, PGD-20 ${result.robust.perAttack['pgd-20'].toFixed(3)}, ECE ${result.ece.toFixed(3)}`);
model.dispose();
