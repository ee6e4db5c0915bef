import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './init-backend.js';
import { reluBackward } from './relu-grad.js';
import { simdKernels } from '@cnn/backend-wasm';

// Values on both sides of 0, exact zeros included (ReLU's gradient at 0 is 0 in tfjs and in TF).
const X = Float32Array.from({ length: 2 * 4 * 4 * 3 }, (_, i) => (i % 7 === 0 ? 0 : Math.sin(i * 1.3) * 3));
const W = Float32Array.from({ length: X.length }, (_, i) => Math.cos(i * 0.7) + 0.5);

/** d/dx Σ relu(x)·w through the registered Relu gradient, on the active backend. */
function gradient(): number[] {
  const before = tf.memory().numTensors;
  const x = tf.tensor4d(X, [2, 4, 4, 3]);
  const w = tf.tensor4d(W, [2, 4, 4, 3]);
  const g = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(tf.relu(xx), w)))(x);
  const out = Array.from(g.dataSync(), (v) => v + 0); // -0 → 0: the sign of a zero gradient is no concern
  tf.dispose([x, w, g]);
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

describe('Relu gradient on tensorflow (TF ReluGrad kernel)', () => {
  it('equals the cpu gradient and the hand-computed one, and runs no Step kernel', async () => {
    await initBackend('cpu');
    const reference = gradient();
    X.forEach((v, i) => expect(reference[i]).toBe(v > 0 ? W[i] : 0));
    let started = true;
    try {
      await initBackend('tensorflow');
    } catch (e) {
      started = false;
      console.warn(`tensorflow backend not available, Relu-gradient test skipped: ${(e as Error).message.split('\n')[0]}`);
    }
    if (!started) return;
    expect(gradient()).toEqual(reference);
    const x = tf.tensor1d([-1, 0, 2]);
    const dy = tf.tensor1d([5, 6, 7]);
    const prof = await tf.profile(() => reluBackward(dy, x));
    // The TF kernel runs through the binding directly, so tfjs' profiler sees no kernel at all —
    // in particular no Step (on cpu the same call runs Step, Cast and Multiply: checked below).
    expect(prof.kernels.map((k) => k.name)).not.toContain('Step');
    expect(Array.from((prof.result as tf.Tensor).dataSync())).toEqual([0, 0, 7]);
    tf.dispose([x, dy, prof.result as tf.Tensor]);
    // Back on cpu the same registered gradient takes tfjs' formula.
    await initBackend('cpu');
    expect(gradient()).toEqual(reference);
    const onCpu = await tf.profile(() => reluBackward(tf.tensor1d([1]), tf.tensor1d([1])));
    expect(onCpu.kernels.map((k) => k.name)).toContain('Step');
    tf.dispose(onCpu.result as tf.Tensor);
  });
});

describe('Relu gradient on wasm (our SIMD kernel)', () => {
  it('equals the cpu gradient in one CnnReluGrad kernel, and tfjs formula without the kernels', async () => {
    await initBackend('cpu');
    const reference = gradient();
    await initBackend('wasm');
    expect(gradient()).toEqual(reference);
    // Large enough for both threads, odd length (a scalar tail).
    const n = 300_001;
    const xs = Float32Array.from({ length: n }, (_, i) => (i % 5 === 0 ? 0 : Math.sin(i * 0.77)));
    const dys = Float32Array.from({ length: n }, (_, i) => Math.cos(i * 0.31));
    const x = tf.tensor1d(xs);
    const dy = tf.tensor1d(dys);
    const prof = await tf.profile(() => reluBackward(dy, x));
    expect(prof.kernels.map((k) => k.name)).toEqual(['CnnReluGrad']);
    const got = (prof.result as tf.Tensor).dataSync();
    for (let i = 0; i < n; i++) if (got[i] !== (xs[i] > 0 ? dys[i] : 0)) throw new Error(`element ${i}: ${got[i]}`);
    tf.dispose(prof.result as tf.Tensor);
    const kernels = simdKernels.current;
    simdKernels.current = null;
    try {
      expect(gradient()).toEqual(reference);
      const stock = await tf.profile(() => reluBackward(dy, x));
      expect(stock.kernels.map((k) => k.name)).toContain('Step');
      tf.dispose(stock.result as tf.Tensor);
    } finally {
      simdKernels.current = kernels;
    }
    tf.dispose([x, dy]);
  });
});
