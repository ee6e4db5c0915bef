import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { describe, expect, it } from 'vitest';
import { installFastReluGradient, reluBackward, setFastReluGradient } from './tf-relu-grad.js';

// Values on both sides of 0, exact zeros included (ReLU's gradient at 0 is 0 in tfjs and TF).
const X = Float32Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => (i % 7 === 0 ? 0 : Math.sin(i * 1.3) * 3));
const W = Float32Array.from({ length: X.length }, (_, i) => Math.cos(i * 0.7) + 0.5);

/** d/dx Σ relu(x)·w, through the registered Relu gradient, on the active backend. */
function gradient(): Float32Array {
  const before = tf.memory().numTensors;
  const x = tf.tensor4d(X, [2, 4, 4, 3]);
  const w = tf.tensor4d(W, [2, 4, 4, 3]);
  const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.relu(xx), w)))(x);
  const out = (g.dataSync() as Float32Array).map((v) => v + 0); // -0 → 0: the sign of a zero gradient is no concern
  tf.dispose([x, w, g]);
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

describe('fast Relu gradient', () => {
  it('equals the stock gradient on cpu, and by hand', async () => {
    await initBackend('cpu');
    const stock = gradient();
    X.forEach((v, i) => expect(stock[i]).toBe(v > 0 ? W[i] : 0));
    installFastReluGradient();
    expect(Array.from(gradient())).toEqual(Array.from(stock)); // cpu keeps the stock formula
  });

  it('on tensorflow (TF ReluGrad) equals the cpu result (skips when tfjs-node is not built)', async () => {
    await initBackend('cpu');
    const reference = gradient();
    try {
      await initBackend('tensorflow');
    } catch (e) {
      console.warn(`skipping tensorflow: ${(e as Error).message.split('\n')[0]}`);
      return;
    }
    installFastReluGradient();
    setFastReluGradient(true);
    expect(Array.from(gradient())).toEqual(Array.from(reference));
    // and reluBackward is really the TF kernel path (no Step kernel runs)
    const x = tf.tensor1d([-1, 0, 2]);
    const dy = tf.tensor1d([5, 6, 7]);
    const prof = await tf.profile(() => reluBackward(dy, x));
    expect(prof.kernels.map((k) => k.name)).not.toContain('Step');
    tf.dispose([x, dy, prof.result as tf.Tensor]);
  });
});
