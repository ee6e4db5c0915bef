import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { createRng } from '@cnn/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNorm, BN_EPS, type BatchNormState } from './batch-norm.js';
import { maxAbsDiff } from './test-utils.js';

function makeState(c: number, seed: number): BatchNormState {
  const rng = createRng(seed);
  const vec = (f: () => number) => tf.tensor1d(Array.from({ length: c }, f));
  return {
    gamma: tf.variable(vec(() => 0.5 + rng.uniform())),
    beta: tf.variable(vec(() => rng.normal() * 0.3)),
    runningMean: tf.variable(vec(() => rng.normal() * 0.2), false),
    runningVar: tf.variable(vec(() => 0.5 + rng.uniform()), false),
    numBatchesTracked: tf.variable(tf.scalar(5, 'int32'), false),
  };
}

function randomInput(shape: [number, number, number, number], seed: number): tf.Tensor4D {
  const rng = createRng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor4d(Float32Array.from({ length: n }, () => rng.normal() * 2 + 1), shape);
}

/** Textbook BN through tf.moments, differentiated by tfjs' own gradients. */
function referenceBn(x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor4D {
  const { mean, variance } = tf.moments(x, [0, 1, 2]);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, BN_EPS))), gamma), beta) as tf.Tensor4D;
}

describe('batchNorm (custom gradient)', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('training forward and gradients equal autodiff through tf.moments', () => {
    const s = makeState(5, 1);
    const x = randomInput([3, 4, 6, 5], 2);
    const w = randomInput([3, 4, 6, 5], 3); // a non-uniform upstream gradient
    const before = tf.memory().numTensors;
    const loss = (f: (xx: tf.Tensor4D, g: tf.Tensor, b: tf.Tensor) => tf.Tensor4D) =>
      tf.grads((xx: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(xx as tf.Tensor4D, g, b), w)));
    const ours = loss((xx, g, b) => batchNorm(xx, { ...s, gamma: g as tf.Variable, beta: b as tf.Variable }, true, false));
    const ref = loss(referenceBn);
    const g1 = ours([x, s.gamma, s.beta]);
    const g2 = ref([x, s.gamma, s.beta]);
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(g1[i], g2[i]), `grad ${i}`).toBeLessThan(2e-4);
    const y1 = batchNorm(x, s, true, false);
    const y2 = tf.tidy(() => referenceBn(x, s.gamma, s.beta));
    expect(maxAbsDiff(y1, y2)).toBeLessThan(1e-5);
    tf.dispose([...g1, ...g2, y1, y2]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, ...Object.values(s)]);
  });

  it('updates running statistics as PyTorch (momentum 0.1, unbiased variance) without leaking', () => {
    const s = makeState(4, 7);
    const x = randomInput([2, 3, 3, 4], 8);
    const rm0 = Array.from(s.runningMean.dataSync());
    const rv0 = Array.from(s.runningVar.dataSync());
    const before = tf.memory().numTensors;
    const y = batchNorm(x, s, true, true);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const xs = x.arraySync();
    const n = 2 * 3 * 3;
    for (let c = 0; c < 4; c++) {
      const vals: number[] = [];
      for (const a of xs) for (const b of a) for (const p of b) vals.push(p[c]);
      const mean = vals.reduce((a, b) => a + b, 0) / n;
      const unbiased = vals.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1);
      expect(s.runningMean.dataSync()[c]).toBeCloseTo(0.9 * rm0[c] + 0.1 * mean, 5);
      expect(s.runningVar.dataSync()[c]).toBeCloseTo(0.9 * rv0[c] + 0.1 * unbiased, 5);
    }
    expect(s.numBatchesTracked.dataSync()[0]).toBe(6);
    // updateRunningStats false: buffers untouched.
    batchNorm(x, s, true, false).dispose();
    expect(s.numBatchesTracked.dataSync()[0]).toBe(6);
    // Also inside a gradient computation.
    const g = tf.grad((xx: tf.Tensor) => tf.sum(batchNorm(xx as tf.Tensor4D, s, true, true)))(x);
    g.dispose();
    expect(s.numBatchesTracked.dataSync()[0]).toBe(7);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, ...Object.values(s)]);
  });

  it('eval mode uses the running statistics', () => {
    const s = makeState(3, 11);
    const x = randomInput([2, 2, 2, 3], 12);
    const y = batchNorm(x, s, false, false);
    const expected = tf.tidy(() =>
      tf.add(tf.mul(tf.div(tf.sub(x, s.runningMean), tf.sqrt(tf.add(s.runningVar, BN_EPS))), s.gamma), s.beta),
    );
    expect(maxAbsDiff(y, expected)).toBeLessThan(1e-5);
    expect(s.numBatchesTracked.dataSync()[0]).toBe(5);
    tf.dispose([x, y, expected, ...Object.values(s)]);
  });

  it('refuses training statistics from a single value per channel', () => {
    const s = makeState(2, 1);
    const x = tf.ones([1, 1, 1, 2]) as tf.Tensor4D;
    expect(() => batchNorm(x, s, true, true)).toThrow(/more than 1 value per channel.*\[1, 1, 1, 2\]/);
    tf.dispose([x, ...Object.values(s)]);
  });
});
