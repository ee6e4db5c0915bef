import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './test-support/start-backend.js';

describe('Identity on wasm shares its input', () => {
  it('clone and saved-for-backward tensors outlive their source, values intact, memory freed at the end', async () => {
    await initBackend('wasm');
    const before = tf.memory();
    const x = tf.tensor2d([
      [1, -2],
      [3, 4],
    ]);
    const y = tf.clone(x);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, -2, 3, 4]);
    // tfjs-core clones the tensors a gradient needs (here relu's input) through Identity.
    const a = tf.tensor1d([-1, 2, 0.5]);
    const g = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.relu(v), tf.relu(v))))(a);
    a.dispose();
    expect(Array.from(g.dataSync())).toEqual([0, 4, 1]);
    tf.dispose([y, g]);
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
    expect(after.numBytes).toBe(before.numBytes);
  });
});
