import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { backendInfo } from '../backend-info.js';
import { initBackend } from '../init-backend.js';
import { createRng } from '@cnn/core';
import { maxRelErr } from '@cnn/core/testing';

/** Loss and gradients of a conv stack big enough for XNNPACK to split the work over threads. */
function lossAndGrads(backend: string, x: Float32Array, w1: Float32Array, w2: Float32Array) {
  tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const xs = tf.tensor4d(x, [8, 16, 16, 8]);
  const f = (a: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.square(tf.conv2d(tf.relu(tf.conv2d(xs, a as tf.Tensor4D, 2, 'same')), b as tf.Tensor4D, 1, 'same')));
  const a = tf.tensor4d(w1, [3, 3, 8, 16]);
  const b = tf.tensor4d(w2, [3, 3, 16, 16]);
  const { value, grads } = tf.valueAndGrads(f)([a, b]);
  const out = { loss: value.dataSync()[0], ga: grads[0].dataSync(), gb: grads[1].dataSync() };
  tf.dispose([xs, a, b, value, ...grads]);
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

describe('wasm with two threads in Node', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    await initBackend('wasm', { wasmThreads: 2 });
  });

  it('runs the threaded-SIMD module with 2 XNNPACK threads and says so', () => {
    tf.setBackend('wasm');
    const info = backendInfo();
    expect(info.backend).toBe('wasm');
    expect(info.threads).toBe(2);
    expect(info.simd).toBe(true);
    expect(info.details).toMatch(/threaded-simd module, 2 threads/);
    expect(info.tfjsVersion).toBe(tf.version_core);
  });

  it('computes the same forward and backward pass as cpu', () => {
    const rng = createRng(8);
    const r = (n: number) => Float32Array.from({ length: n }, () => rng.normal());
    const x = r(8 * 16 * 16 * 8);
    const w1 = r(3 * 3 * 8 * 16);
    const w2 = r(3 * 3 * 16 * 16);
    const cpu = lossAndGrads('cpu', x, w1, w2);
    const wasm = lossAndGrads('wasm', x, w1, w2);
    expect(Math.abs(wasm.loss - cpu.loss) / cpu.loss).toBeLessThan(1e-5);
    expect(maxRelErr(wasm.ga, cpu.ga)).toBeLessThan(1e-5);
    expect(maxRelErr(wasm.gb, cpu.gb)).toBeLessThan(1e-5);
  });
});
