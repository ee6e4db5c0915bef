// README "1. Attack your own TF.js model", run as written by tests/usage in a fresh npm project.
// Needs: npm install @tensorflow/tfjs @cnn/attacks @cnn/models
import * as tf from '@tensorflow/tfjs'; // layers + converter + the cpu backend (webgl in browsers)
import { fromPredictModel, pgd } from '@cnn/attacks';
import { fileSystemModel } from '@cnn/models'; // model.json + weights from disk in Node, no tfjs-node needed

// In a browser: tf.loadLayersModel('/my-model/model.json').
const model = await tf.loadLayersModel(fileSystemModel('./my-model/model.json'));
const classifier = fromPredictModel(model, { normalize: { mean: [0.4914, 0.4822, 0.4465], std: [0.2471, 0.2435, 0.2616] } });

// images: NHWC float32 in [0, 1]; labels: integer classes (here 8 random images, labelled by the model itself).
const images = tf.randomUniform([8, 32, 32, 3], 0, 1, 'float32', 1);
const labels = Array.from(tf.tidy(() => classifier(images).argMax(1)).dataSync());
const { adversarial, success } = await pgd(classifier, images, labels, {
  norm: 'linf', eps: 8 / 255, stepSize: 2 / 255, steps: 10, randomStart: true, seed: 0,
});
console.log(`PGD-10 fooled ${success.filter(Boolean).length} of ${success.length}`);
tf.dispose([adversarial, images]);
