import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { describe, expect, it } from 'vitest';
import { rememberShippedReluGradient, useReluGradient } from './relu-gradient-choice.js';

// Values on both sides of 0, exact zeros included (ReLU's gradient at 0 is 0 in tfjs and TF).
const X = Float32Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => (i % 7 === 0 ? 0 : Math.sin(i * 1.3) * 3));
const W = Float32Array.from({ length: X.length }, (_, i) => Math.cos(i * 0.7) + 0.5);

/** d/dx Σ relu(x)·w through the registered Relu gradient, and the kernels its backward pass ran. */
async function gradient(): Promise<{ g: number[]; kernels: string[] }> {
  const before = tf.memory().numTensors;
  const x = tf.tensor4d(X, [2, 4, 4, 3]);
  const w = tf.tensor4d(W, [2, 4, 4, 3]);
  const prof = await tf.profile(() => tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.relu(xx), w)))(x));
  const g = prof.result as tf.Tensor;
  const out = Array.from(g.dataSync() as Float32Array, (v) => v + 0); // -0 → 0
  tf.dispose([x, w, g]);
  expect(tf.memory().numTensors).toBe(before);
  return { g: out, kernels: prof.kernels.map((k) => k.name) };
}

const expected = Array.from(X, (v, i) => (v > 0 ? W[i] : 0));

describe('Relu gradient ablation switch', () => {
  it('needs rememberShippedReluGradient first', () => {
    expect(() => useReluGradient('stock')).toThrow(/rememberShippedReluGradient/);
  });

  it('on tensorflow: shipped runs no Step (TF ReluGrad, not a tfjs kernel so not profiled), stock runs Step, both exact, and back again (skips without tfjs-node)', async () => {
    try {
      await initBackend('tensorflow');
    } catch (e) {
      console.warn(`skipping tensorflow: ${(e as Error).message.split('\n')[0]}`);
      return;
    }
    rememberShippedReluGradient();
    const fast = await gradient();
    expect(fast.g).toEqual(expected);
    expect(fast.kernels).not.toContain('Step');
    useReluGradient('stock');
    const stock = await gradient();
    expect(stock.g).toEqual(expected);
    expect(stock.kernels).toContain('Step');
    useReluGradient('shipped');
    expect((await gradient()).kernels).not.toContain('Step');
  });

  it('on cpu both choices give the hand-computed gradient', async () => {
    await initBackend('cpu');
    rememberShippedReluGradient();
    useReluGradient('stock');
    expect((await gradient()).g).toEqual(expected);
    useReluGradient('shipped');
    expect((await gradient()).g).toEqual(expected);
  });
});
