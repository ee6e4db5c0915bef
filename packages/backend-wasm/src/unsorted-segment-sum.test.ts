import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './test-support/start-backend.js';
import { createRng } from '@cnn/core';

function run(backend: string, f: () => tf.Tensor) {
  tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const out = tf.tidy(f);
  const result = { values: Array.from(out.dataSync()), shape: out.shape };
  out.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

describe('wasm UnsortedSegmentSum (gradient of gather) matches cpu', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    await initBackend('wasm');
  });
  const rng = createRng(4);
  const x = Float32Array.from({ length: 5 * 3 * 4 }, () => rng.normal());

  it('sums rows into segments, drops out-of-range ids, float32 and int32', () => {
    for (const [dtype, ids] of [
      ['float32', [2, 0, 2, -1, 7]],
      ['int32', [1, 1, 1, 0, 3]],
    ] as const) {
      const f = () => tf.unsortedSegmentSum(tf.tensor(dtype === 'int32' ? x.map(Math.round) : x, [5, 3, 4], dtype), tf.tensor1d(ids as unknown as number[], 'int32'), 4);
      const want = run('cpu', f);
      const got = run('wasm', f);
      expect(got).toEqual(want);
    }
  });

  it('makes gather differentiable on wasm (repeated indices, axis 0 and 1)', () => {
    for (const axis of [0, 1]) {
      const f = () => tf.grad((a: tf.Tensor) => tf.sum(tf.square(tf.gather(a, tf.tensor1d([0, 2, 2, 1], 'int32'), axis))))(tf.tensor(x, [5, 3, 4]));
      const want = run('cpu', f);
      const got = run('wasm', f);
      expect(got.shape).toEqual(want.shape);
      got.values.forEach((v, i) => expect(v).toBeCloseTo(want.values[i], 5));
    }
  });
});
