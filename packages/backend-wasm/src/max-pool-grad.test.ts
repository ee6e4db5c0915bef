import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './test-support/start-backend.js';
import { createRng } from '@cnn/core';

type Pad = 'same' | 'valid' | number;
const cases: { shape: number[]; k: number; s: number; pad: Pad }[] = [
  { shape: [1, 7, 7, 3], k: 3, s: 2, pad: 'same' },
  { shape: [3, 8, 9, 5], k: 3, s: 2, pad: 'valid' },
  { shape: [2, 9, 9, 4], k: 3, s: 2, pad: 1 }, // PyTorch-style padding 1
  { shape: [2, 6, 7, 3], k: 2, s: 2, pad: 'valid' },
  { shape: [2, 7, 6, 3], k: 3, s: 1, pad: 'same' },
  { shape: [1, 11, 11, 16], k: 3, s: 2, pad: 'same' },
];

/** ReLU'd values on a coarse grid: many equal maxima (ties) and zeros, like real activations. */
function activations(shape: number[], seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => Math.max(0, Math.round(rng.normal() * 2) / 2));
}

function grad(backend: string, x: Float32Array, c: (typeof cases)[number], padNegInf: boolean) {
  tf.setBackend(backend);
  const before = tf.memory().numTensors;
  let xs = tf.tensor4d(x, c.shape as [number, number, number, number]);
  if (padNegInf) {
    const padded = tf.pad(xs, [[0, 0], [1, 1], [1, 1], [0, 0]], -Infinity);
    xs.dispose();
    xs = padded;
  }
  const rng = createRng(3);
  const g = tf.grad((a: tf.Tensor) => {
    const y = tf.maxPool(a as tf.Tensor4D, c.k, c.s, padNegInf ? 'valid' : c.pad);
    const w = tf.tensor(Float32Array.from({ length: y.size }, () => rng.normal()), y.shape);
    return tf.sum(tf.mul(y, w));
  })(xs);
  const out = g.dataSync() as Float32Array;
  tf.dispose([xs, g]);
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

describe('wasm MaxPoolGrad matches cpu, ties included', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    await initBackend('wasm');
  });

  it.each(cases.map((c) => [`x=[${c.shape}] ${c.k}×${c.k}/${c.s} pad=${c.pad}`, c] as const))('%s', (_, c) => {
    const x = activations(c.shape, 11);
    for (const padNegInf of [false, true]) {
      const want = grad('cpu', x, c, padNegInf);
      const got = grad('wasm', x, c, padNegInf);
      let diff = 0;
      let scale = 0;
      for (let i = 0; i < want.length; i++) {
        diff = Math.max(diff, Math.abs(got[i] - want[i]));
        scale = Math.max(scale, Math.abs(want[i]));
      }
      expect(scale).toBeGreaterThan(0);
      expect(diff / scale, `padNegInf=${padNegInf}`).toBeLessThan(1e-6);
    }
  });
});
