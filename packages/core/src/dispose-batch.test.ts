import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeBatch } from './dispose-batch.js';

describe('disposeBatch', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('disposes images, labels and soft targets', () => {
    const before = tf.memory().numTensors;
    const batch = { images: tf.zeros([2, 4, 4, 3]) as tf.Tensor4D, labels: tf.tensor1d([0, 1], 'int32'), targets: tf.tensor2d([[1, 0], [0, 1]]) };
    disposeBatch(batch);
    expect(tf.memory().numTensors).toBe(before);
    expect(batch.images.isDisposed && batch.labels.isDisposed && batch.targets.isDisposed).toBe(true);
  });

  it('works without soft targets', () => {
    const before = tf.memory().numTensors;
    disposeBatch({ images: tf.zeros([1, 2, 2, 3]) as tf.Tensor4D, labels: tf.tensor1d([0], 'int32') });
    expect(tf.memory().numTensors).toBe(before);
  });
});
