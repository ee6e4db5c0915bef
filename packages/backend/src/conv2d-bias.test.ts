import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { conv2dBias } from './conv2d-bias.js';
import { initBackend } from './init-backend.js';
import { maxRelErr } from '@cnn/core/testing';

interface Case {
  x: number[];
  k: number;
  co: number;
  stride: number;
  pad: 'same' | 'valid' | tf.backend_util.ExplicitPadding;
  what: string;
}
const cases: Case[] = [
  { x: [8, 10, 9, 8], k: 3, co: 16, stride: 1, pad: 'same', what: 'Winograd F(4×4, 3×3)' },
  { x: [3, 9, 9, 5], k: 3, co: 6, stride: 2, pad: [[0, 0], [1, 1], [1, 1], [0, 0]], what: 'direct kernel, odd channels' },
  { x: [1, 3, 3, 128], k: 1, co: 2048, stride: 1, pad: 'valid', what: 'pointwise: matrix product, bias in its first pass' },
  { x: [1, 5, 5, 128], k: 3, co: 512, stride: 2, pad: 'same', what: 'large filter: patches × filter, bias in the product' },
  { x: [1, 5, 5, 128], k: 3, co: 228, stride: 2, pad: 'same', what: 'large filter, channels not in 8s: tfjs kernel + Add' },
];

function values(seed: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 977 + i * 0.613));
}

/** y, and the gradients of Σ y·r with respect to x, filter and bias, on the active backend. */
function run(c: Case, composed: boolean) {
  const before = tf.memory().numTensors;
  const ci = c.x[3];
  const x = tf.tensor4d(values(1, c.x.reduce((a, b) => a * b, 1)), c.x as [number, number, number, number]);
  const w = tf.tensor4d(values(2, c.k * c.k * ci * c.co), [c.k, c.k, ci, c.co]);
  const b = tf.tensor1d(values(3, c.co));
  const f = (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
    composed
      ? tf.tidy(() => tf.add(tf.conv2d(xx as tf.Tensor4D, ww as tf.Tensor4D, c.stride, c.pad), bb))
      : conv2dBias(xx as tf.Tensor4D, ww as tf.Tensor4D, bb as tf.Tensor1D, c.stride, c.pad);
  const y = f(x, w, b);
  const r = tf.tensor(values(4, y.size), y.shape);
  const grads = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(f(xx, ww, bb), r)))([x, w, b]);
  const out = { y: y.dataSync(), dx: grads[0].dataSync(), dw: grads[1].dataSync(), db: grads[2].dataSync() };
  tf.dispose([x, w, b, y, r, ...grads]);
  expect(tf.memory().numTensors, 'tensors leaked').toBe(before);
  return out;
}

describe('conv2dBias', () => {
  it.each(cases.map((c) => [c.what, c] as const))('on wasm equals conv2d + add on cpu, values and gradients (%s)', async (_, c) => {
    await initBackend('cpu');
    const want = run(c, true);
    await initBackend('wasm');
    const got = run(c, false);
    // Winograd F(4×4)'s float32 rounding on this smooth data: measured dw 5.1e-5 (F(2×2): < 1e-5).
    const tolerance = c.what.startsWith('Winograd') ? 2e-4 : 1e-5;
    for (const k of ['y', 'dx', 'dw', 'db'] as const) expect(maxRelErr(got[k], want[k]), k).toBeLessThan(tolerance);
  });

  it('is one kernel forward on wasm, and a gradient for x alone computes no filter gradient', async () => {
    await initBackend('wasm');
    const x = tf.ones([8, 8, 8, 8]) as tf.Tensor4D;
    const w = tf.ones([3, 3, 8, 8]) as tf.Tensor4D;
    const b = tf.ones([8]) as tf.Tensor1D;
    const forward = await tf.profile(() => conv2dBias(x, w, b, 1, 'same'));
    expect(forward.kernels.map((k) => k.name)).toEqual(['CnnConv2DBias']);
    tf.dispose(forward.result as tf.Tensor);
    const backward = await tf.profile(() => tf.grad((xx: tf.Tensor) => tf.sum(conv2dBias(xx as tf.Tensor4D, w, b, 1, 'same')))(x));
    const names = backward.kernels.map((k) => k.name);
    expect(names).toContain('Conv2DBackpropInput');
    expect(names).not.toContain('Conv2DBackpropFilter');
    tf.dispose([backward.result as tf.Tensor, x, w, b]);
  });

  it('names the operand whose shape is wrong, and leaks nothing', async () => {
    await initBackend('wasm');
    const x = tf.ones([1, 4, 4, 2]) as tf.Tensor4D;
    const w = tf.ones([3, 3, 2, 3]) as tf.Tensor4D;
    const b = tf.ones([3]) as tf.Tensor1D;
    const badBias = tf.ones([5]) as tf.Tensor1D;
    const badFilter = tf.ones([3, 3, 4, 3]) as tf.Tensor4D;
    const badX = tf.ones([4, 4, 2]) as unknown as tf.Tensor4D;
    const before = tf.memory().numTensors;
    expect(() => conv2dBias(x, w, badBias, 1, 'same')).toThrow(/bias must have shape \[3\] .*got \[5\]/);
    expect(() => conv2dBias(x, badFilter, b, 1, 'same')).toThrow(/filter must be \[kh, kw, 2 .*got \[3,3,4,3\]/);
    expect(() => conv2dBias(badX, w, b, 1, 'same')).toThrow(/x must be NHWC rank 4, got shape \[4,4,2\]/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, b, badBias, badFilter, badX]);
  });

  it('on cpu is conv2d then add', async () => {
    await initBackend('cpu');
    const x = tf.ones([1, 4, 4, 2]) as tf.Tensor4D;
    const w = tf.ones([3, 3, 2, 3]) as tf.Tensor4D;
    const b = tf.tensor1d([10, 20, 30]);
    const prof = await tf.profile(() => conv2dBias(x, w, b, 1, 'same'));
    expect(prof.kernels.map((k) => k.name)).toEqual(['Conv2D', 'Add']);
    expect(Array.from((prof.result as tf.Tensor).dataSync()).slice(0, 3)).toEqual([18, 28, 38]); // corner: 2×2 taps × 2 channels
    tf.dispose([prof.result as tf.Tensor, x, w, b]);
  });
});
