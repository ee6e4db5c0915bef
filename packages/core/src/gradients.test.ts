import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureGradients } from './gradients.js';

describe('ensureGradients', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('makes tf.grad work through the ops a ResNet training step uses', () => {
    // Without registration tfjs-core's Node entry has no gradients at all.
    expect(tf.getGradient('Conv2D')).toBeUndefined();
    expect(ensureGradients()).toBeGreaterThan(90);
    expect(ensureGradients()).toBe(0); // idempotent
    for (const k of ['Conv2D', 'Relu', 'FusedBatchNorm', 'Mean', 'Softmax', 'MaxPool', 'AvgPool', 'PadV2', 'Sigmoid']) {
      expect(tf.getGradient(k), k).toBeDefined();
    }

    const before = tf.memory().numTensors;
    const x = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
    const w = tf.tensor4d([1, 0, -1, 2], [2, 2, 1, 1]);
    // f(w) = sum(relu(conv(x, w))) → df/dw = sum over positions of the input patches
    const g = tf.grad((ww: tf.Tensor) => tf.sum(tf.relu(tf.conv2d(x, ww as tf.Tensor4D, 1, "valid"))))(w);
    // conv outputs: all positive? patch [1,2,4,5] · [1,0,-1,2] = 1-4+10 = 7 > 0 etc., so relu' = 1
    const patches = [
      [1, 2, 4, 5],
      [2, 3, 5, 6],
      [4, 5, 7, 8],
      [5, 6, 8, 9],
    ];
    const expected = [0, 1, 2, 3].map((k) => patches.reduce((s, p) => s + p[k], 0));
    expect(Array.from(g.dataSync())).toEqual(expected);
    tf.dispose([x, w, g]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
