// Attack your own model: run with `node packages/attacks/examples/attack-your-model.mjs`
// after `pnpm --filter @cnn/attacks build`.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { fromPredictModel, fgsm, pgd, apgd, robustAccuracy } from '@cnn/attacks';

await initBackend('cpu'); // or 'wasm', 'tensorflow' (tfjs-node)

// 1. Your model: anything with predict(x) or execute(x) (tf.LayersModel, tf.GraphModel, …).
//    Here a stand-in built from tfjs-core ops: NHWC 32×32×3 → 10 logits.
const w1 = tf.randomNormal([3, 3, 3, 8], 0, 0.3, 'float32', 1);
const w2 = tf.randomNormal([16 * 16 * 8, 10], 0, 0.05, 'float32', 2);
const myModel = {
  predict: (x) => tf.tidy(() => tf.matMul(tf.reshape(tf.relu(tf.conv2d(x, w1, 2, 'same')), [x.shape[0], -1]), w2)),
};
// e.g. const myModel = await tf.loadLayersModel(fileSystemModel('my-model/model.json')); // fileSystemModel from @cnn/models (Node)

// 2. Wrap it: the attacks work in [0, 1] pixel space; the model's normalisation goes in front.
const classifier = fromPredictModel(myModel, { normalize: { mean: [0.4914, 0.4822, 0.4465], std: [0.247, 0.243, 0.261] } });

// 3. Attack a batch: NHWC float32 pixels in [0, 1], integer labels.
const images = tf.randomUniform([8, 32, 32, 3], 0, 1, 'float32', 3);
const labels = [0, 1, 2, 3, 4, 5, 6, 7];
const { adversarial, success } = await pgd(classifier, images, labels, { eps: 8 / 255, stepSize: 2 / 255, steps: 10, seed: 0 });
console.log('PGD-10 fooled', success.filter(Boolean).length, 'of', success.length);
adversarial.dispose(); // results belong to the caller

// 4. Robust accuracy over a stream of batches, worst case per example. Use your data loader here;
//    this stand-in labels random images with the model's own predictions (so clean accuracy is 1).
async function* batches() {
  for (let i = 0; i < 2; i++) {
    const x = tf.randomUniform([8, 32, 32, 3], 0, 1, 'float32', 10 + i);
    yield { images: x, labels: tf.tidy(() => tf.cast(tf.argMax(classifier(x), 1), 'int32')) };
  }
}
const report = await robustAccuracy(classifier, batches(), {
  fgsm: (c, x, y) => fgsm(c, x, y, { eps: 1 / 255 }),
  'pgd-10': (c, x, y) => pgd(c, x, y, { eps: 1 / 255, steps: 10, earlyStop: true }),
  'apgd-ce': (c, x, y) => apgd(c, x, y, { eps: 1 / 255, steps: 20 }),
}, { onProgress: (p) => console.log(`batch ${p.batches}: clean ${p.clean}/${p.total}, worst case ${p.worstCase}`) });
console.log(report);
tf.dispose([images, w1, w2]);
