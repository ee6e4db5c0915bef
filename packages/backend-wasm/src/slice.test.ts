import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from './test-support/start-backend.js';

const cases: { shape: number[]; begin: number[]; size: number[]; dtype: 'float32' | 'int32' }[] = [
  { shape: [8, 14, 14, 6], begin: [0, 1, 1, 0], size: [8, 12, 12, 6], dtype: 'float32' }, // a padding's gradient
  { shape: [3, 5, 7, 4], begin: [1, 0, 2, 1], size: [2, 5, 3, 2], dtype: 'float32' }, // partial innermost axis
  { shape: [4, 6, 5], begin: [2, 0, 0], size: [2, -1, -1], dtype: 'int32' }, // -1 = to the end; one run
  { shape: [10], begin: [3], size: [4], dtype: 'float32' },
  { shape: [2, 3, 4, 5, 6], begin: [1, 1, 0, 2, 0], size: [1, 2, 4, 3, 6], dtype: 'float32' },
  { shape: [4, 4], begin: [1, 1], size: [0, 2], dtype: 'float32' }, // empty
];

describe('Slice on wasm (block copies)', () => {
  it.each(cases.map((c) => [JSON.stringify(c), c] as const))('equals cpu for %s, no leaks', async (_, c) => {
    const n = c.shape.reduce((a, b) => a * b, 1);
    const values = Array.from({ length: n }, (_, i) => (c.dtype === 'int32' ? i * 7 - 50 : Math.sin(i * 0.37)));
    const run = async (backend: string) => {
      await initBackend(backend as 'cpu' | 'wasm');
      const before = tf.memory().numTensors;
      const x = tf.tensor(values, c.shape, c.dtype);
      const y = tf.slice(x, c.begin, c.size);
      const out = { shape: y.shape, values: Array.from(y.dataSync()) };
      tf.dispose([x, y]);
      expect(tf.memory().numTensors).toBe(before);
      return out;
    };
    const want = await run('cpu');
    const got = await run('wasm');
    expect(got).toEqual(want);
  });
});
