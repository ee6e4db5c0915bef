import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { batchNormTrain } from '../batch-norm-train.js';
import { conv2dBias } from '../conv2d-bias.js';
import { initBackend } from '../init-backend.js';

/** Buffers the wasm backend holds (tensors and our kernels' temporaries alike). */
function buffers(): number {
  return (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
}

describe('our wasm kernels free every temporary buffer', () => {
  it('forward, input and filter gradients (Winograd, direct, transposed, two threads), BatchNorm, ReLU, conv + bias', async () => {
    await initBackend('wasm', { wasmThreads: 2 });
    const w3 = tf.variable(tf.randomNormal([3, 3, 16, 16])) as tf.Variable<tf.Rank.R4>; // Winograd
    const w5 = tf.variable(tf.randomNormal([5, 5, 16, 8])) as tf.Variable<tf.Rank.R4>; // direct; stride 2: transposed
    const step = () =>
      tf.tidy(() => {
        const x = tf.randomNormal([8, 16, 16, 16]) as tf.Tensor4D;
        const b = tf.zeros([16]) as tf.Tensor1D;
        const g = tf.ones([16]) as tf.Tensor1D;
        const loss = (xx: tf.Tensor) => {
          const bn = batchNormTrain(conv2dBias(xx as tf.Tensor4D, w3, b, 1, 'same'), g, b);
          tf.dispose([bn.mean, bn.variance]);
          return tf.sum(tf.conv2d(tf.relu(bn.y) as tf.Tensor4D, w5, 2, 'same')) as tf.Scalar;
        };
        const { grads } = tf.variableGrads(() => loss(x), [w3, w5]);
        return [tf.grad(loss)(x), ...Object.values(grads)];
      });
    // First call: one-off allocations (tfjs' own caches); then count.
    tf.dispose(step());
    const before = buffers();
    for (let i = 0; i < 3; i++) tf.dispose(step());
    expect(buffers()).toBe(before);
    tf.dispose([w3, w5]);
  });
});
