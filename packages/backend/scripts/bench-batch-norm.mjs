// Times BatchNorm forward + backward (x [128, 32, 32, 16], ResNet-20's first stage) with
// batchNormTrain vs the tf.moments composition, on the backend given (default: tensorflow, wasm).
// Usage: node scripts/bench-batch-norm.mjs [backend ...]. Timing only; not a test.
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, batchNormTrain, backendInfo } from '../dist/index.js';

process.env.TF_CPP_MIN_LOG_LEVEL ??= '3';
const backends = process.argv.slice(2).length ? process.argv.slice(2) : ['tensorflow', 'wasm'];
const moments = (x, g, b) => {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
};
const fused = (x, g, b) => {
  const r = batchNormTrain(x, g, b, 1e-5);
  tf.dispose([r.mean, r.variance]);
  return r.y;
};
for (const name of backends) {
  try {
    await initBackend(name);
  } catch (e) {
    console.log(`${name}: skipped (${e.message.split('\n')[0]})`);
    continue;
  }
  const x = tf.randomNormal([128, 32, 32, 16], 1, 2, 'float32', 1);
  const g = tf.ones([16]);
  const b = tf.zeros([16]);
  const dy = tf.randomNormal([128, 32, 32, 16], 0, 1, 'float32', 2);
  const time = (f) => {
    const step = () => {
      const grads = tf.grads((xx, gg, bb) => tf.sum(tf.mul(f(xx, gg, bb), dy)))([x, g, b]);
      grads[0].dataSync();
      tf.dispose(grads);
    };
    step();
    const t = [];
    for (let i = 0; i < 7; i++) {
      const s = performance.now();
      step();
      t.push(performance.now() - s);
    }
    return t.sort((p, q) => p - q)[3];
  };
  const a = time(moments);
  const c = time(fused);
  console.log(`${backendInfo().details}: BN fwd+bwd on [128,32,32,16] — tf.moments ${a.toFixed(1)} ms, batchNormTrain ${c.toFixed(1)} ms (×${(a / c).toFixed(2)})`);
  tf.dispose([x, g, b, dy]);
}
