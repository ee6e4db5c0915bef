import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { batchNormCustomGrad, batchNormMoments, type BatchNormResult } from './batch-norm.js';
import { batchNormTfNative, tfNativeBatchNormAvailable } from './tf-native-batch-norm.js';

type BnFn = (x: tf.Tensor4D, g: tf.Tensor1D, b: tf.Tensor1D, eps?: number) => BatchNormResult;

const SHAPE: [number, number, number, number] = [4, 5, 6, 3];
const N = SHAPE.reduce((a, b) => a * b);
// Deterministic, non-trivial data: channel means and scales differ, upstream gradient not uniform.
const X = Float32Array.from({ length: N }, (_, i) => Math.sin(i * 1.7) * (1 + (i % 3)) + (i % 3) * 2);
const W = Float32Array.from({ length: N }, (_, i) => Math.cos(i * 0.37) + 0.1 * (i % 5));
const GAMMA = [0.5, 1.5, -2];
const BETA = [0.1, -0.3, 2];

interface Out {
  y: Float32Array;
  mean: Float32Array;
  variance: Float32Array;
  dx: Float32Array;
  dg: Float32Array;
  db: Float32Array;
}

/** Runs BN and differentiates sum(y · W) on the active backend; checks it leaks nothing. */
function evaluate(fn: BnFn): Out {
  const before = tf.memory().numTensors;
  const x = tf.tensor4d(X, SHAPE);
  const w = tf.tensor4d(W, SHAPE);
  const g = tf.tensor1d(GAMMA);
  const b = tf.tensor1d(BETA);
  let stats: tf.Tensor[] = [];
  const f = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor): tf.Scalar => {
    const r = fn(xx as tf.Tensor4D, gg as tf.Tensor1D, bb as tf.Tensor1D, 1e-5);
    stats = [r.mean, r.variance];
    return tf.sum(tf.mul(r.y, w));
  };
  const [dx, dg, db] = tf.grads(f)([x, g, b]);
  const [mean, variance] = stats.map((t) => t.dataSync() as Float32Array);
  tf.dispose(stats);
  const fwd = fn(x, g, b, 1e-5);
  const out: Out = {
    y: fwd.y.dataSync() as Float32Array,
    mean,
    variance,
    dx: dx.dataSync() as Float32Array,
    dg: dg.dataSync() as Float32Array,
    db: db.dataSync() as Float32Array,
  };
  tf.dispose([fwd.y, fwd.mean, fwd.variance, x, w, g, b, dx, dg, db]);
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

function expectClose(actual: Out, expected: Out, tol: number): void {
  for (const k of Object.keys(expected) as (keyof Out)[]) {
    expect(actual[k].length, k).toBe(expected[k].length);
    let worst = 0;
    for (let i = 0; i < expected[k].length; i++) worst = Math.max(worst, Math.abs(actual[k][i] - expected[k][i]));
    expect(worst, `${k}: max |Δ|`).toBeLessThan(tol);
  }
}

let reference: Out;

beforeAll(async () => {
  await initBackend('cpu');
  reference = evaluate(batchNormMoments);
});

async function tryBackend(name: 'wasm' | 'tensorflow'): Promise<boolean> {
  try {
    await initBackend(name);
    return true;
  } catch (e) {
    console.warn(`skipping ${name}: ${(e as Error).message.split('\n')[0]}`);
    return false;
  }
}

describe('batchNormCustomGrad', () => {
  it('matches tf.moments + tf.batchNorm differentiated by the tape (cpu)', async () => {
    await initBackend('cpu');
    // Sanity of the reference itself: per-channel mean of y − β is 0 and dβ = Σ W per channel.
    const dbByHand = [0, 1, 2].map((c) => W.reduce((s, v, i) => (i % 3 === c ? s + v : s), 0));
    dbByHand.forEach((v, c) => expect(reference.db[c]).toBeCloseTo(v, 4));
    expectClose(evaluate(batchNormCustomGrad), reference, 2e-4);
  });

  for (const name of ['wasm', 'tensorflow'] as const) {
    it(`on ${name} matches the cpu reference (skips when ${name} cannot start)`, async () => {
      if (!(await tryBackend(name))) return;
      expectClose(evaluate(batchNormCustomGrad), reference, 2e-4);
    });
  }

  it('names the bad shape', async () => {
    await initBackend('cpu');
    const x = tf.zeros([2, 2, 2, 3]) as tf.Tensor4D;
    const g = tf.ones([4]) as tf.Tensor1D;
    expect(() => batchNormCustomGrad(x, g, g)).toThrow(/gamma\/beta must have 3 elements/);
    tf.dispose([x, g]);
  });
});

describe('batchNormTfNative (TensorFlow FusedBatchNormV3 / FusedBatchNormGradV3)', () => {
  it('matches the cpu reference on tensorflow (skips when tfjs-node is not built)', async () => {
    if (!(await tryBackend('tensorflow'))) return;
    expect(tfNativeBatchNormAvailable()).toBe(true);
    expectClose(evaluate(batchNormTfNative), reference, 2e-4);
  });

  it('refuses other backends with a clear error', async () => {
    await initBackend('cpu');
    expect(tfNativeBatchNormAvailable()).toBe(false);
    const x = tf.zeros([2, 2, 2, 3]) as tf.Tensor4D;
    const g = tf.ones([3]) as tf.Tensor1D;
    expect(() => batchNormTfNative(x, g, g)).toThrow(/needs the 'tensorflow' backend/);
    tf.dispose([x, g]);
  });
});
