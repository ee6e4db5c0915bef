import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './test-support/start-backend.js';
import { createRng } from '@cnn/core';

const rng = createRng(77);
const values = (shape: number[]) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 3 * rng.normal());

/** [a shape, b shape]: per-channel cases (fast path) and others that must still be right. */
const shapes: [number[], number[]][] = [
  [[4, 33, 33, 16], [16]],
  [[16], [4, 33, 33, 16]],
  [[4, 33, 33, 16], [1, 1, 1, 16]],
  [[1, 1, 16], [4, 33, 33, 16]],
  [[512, 10], [10]],
  [[3, 41, 43, 7], [7]], // odd channel count
  [[4, 33, 33, 16], [33, 1, 16]], // not per-channel: stock kernel
  [[4, 33, 33, 16], [4, 33, 33, 16]], // same shape: stock kernel
  [[2, 5, 5, 3], [3]], // small: stock kernel
];

function compute(backend: string, op: 'mul' | 'add' | 'sub', a: [Float32Array, number[]], b: [Float32Array, number[]]) {
  tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const ta = tf.tensor(a[0], a[1]);
  const tb = tf.tensor(b[0], b[1]);
  const out = tf[op](ta, tb);
  const result = { values: out.dataSync() as Float32Array, shape: out.shape };
  tf.dispose([ta, tb, out]);
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

describe('wasm per-channel Multiply/Add/Sub equal cpu exactly', () => {
  beforeAll(async () => {
    await initBackend('cpu');
    await initBackend('wasm');
  });

  const cases = shapes.flatMap(([sa, sb]) => (['mul', 'add', 'sub'] as const).map((op) => [`${op} [${sa}] ∘ [${sb}]`, op, sa, sb] as const));
  it.each(cases)('%s', (_, op, sa, sb) => {
    const a: [Float32Array, number[]] = [values(sa), sa];
    const b: [Float32Array, number[]] = [values(sb), sb];
    const want = compute('cpu', op, a, b);
    const got = compute('wasm', op, a, b);
    expect(got.shape).toEqual(want.shape);
    let mismatches = 0;
    for (let i = 0; i < want.values.length; i++) if (got.values[i] !== want.values[i]) mismatches++;
    expect(mismatches).toBe(0);
  });

  it('gradients through a per-channel scale and shift match cpu', () => {
    const x: [Float32Array, number[]] = [values([8, 16, 16, 12]), [8, 16, 16, 12]];
    const s = values([12]);
    const t = values([12]);
    const grads = (backend: string) => {
      tf.setBackend(backend);
      const xs = tf.tensor(x[0], x[1]);
      const [gx, gs, gt] = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.square(tf.sub(tf.add(tf.mul(a, b), c), b))))([
        xs,
        tf.tensor1d(s),
        tf.tensor1d(t),
      ]);
      const out = [gx.dataSync(), gs.dataSync(), gt.dataSync()];
      tf.dispose([xs, gx, gs, gt]);
      return out;
    };
    const want = grads('cpu');
    const got = grads('wasm');
    for (let k = 0; k < 3; k++) {
      let diff = 0;
      let scale = 0;
      for (let i = 0; i < want[k].length; i++) {
        diff = Math.max(diff, Math.abs(got[k][i] - want[k][i]));
        scale = Math.max(scale, Math.abs(want[k][i]));
      }
      expect(diff / scale).toBeLessThan(1e-5);
    }
  });
});
