import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { batchNormTrain } from './batch-norm-train.js';
import { initBackend } from './init-backend.js';
import { createRng } from '@cnn/core';
import { simdKernels } from '@cnn/backend-wasm';
import { maxRelErr } from '@cnn/core/testing';

process.env.TF_CPP_MIN_LOG_LEVEL ??= '3';

interface Fixture {
  shape: number[];
  eps: number;
  x: number[];
  gamma: number[];
  beta: number[];
  dy: number[];
  y: number[];
  mean: number[];
  variance: number[];
  unbiasedVariance: number[];
  dx: number[];
  dgamma: number[];
  dbeta: number[];
}
// Made by fixtures/make_fixtures.py from PyTorch's training-mode batch_norm.
const fixtures: Fixture[] = JSON.parse(
  fs.readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'batch-norm.json'), 'utf8'),
).cases;

/** Forward + backward of `sum(y · dy)`; returns plain arrays and checks no tensor leaks. */
function run(f: Fixture, impl: (x: tf.Tensor, g: tf.Tensor1D, b: tf.Tensor1D) => { y: tf.Tensor; mean: tf.Tensor; variance: tf.Tensor }) {
  const before = tf.memory().numTensors;
  const x = tf.tensor(f.x, f.shape);
  const gamma = tf.tensor1d(f.gamma);
  const beta = tf.tensor1d(f.beta);
  const dy = tf.tensor(f.dy, f.shape);
  let stats: { mean: Float32Array; variance: Float32Array } | undefined;
  let y: Float32Array | undefined;
  const { value, grads } = tf.valueAndGrads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
    const out = impl(xx, gg as tf.Tensor1D, bb as tf.Tensor1D);
    stats = { mean: out.mean.dataSync() as Float32Array, variance: out.variance.dataSync() as Float32Array };
    y = out.y.dataSync() as Float32Array;
    return tf.sum(tf.mul(out.y, dy)) as tf.Scalar;
  })([x, gamma, beta]);
  const result = { y: y!, ...stats!, dx: grads[0].dataSync(), dgamma: grads[1].dataSync(), dbeta: grads[2].dataSync() };
  tf.dispose([x, gamma, beta, dy, value, ...grads]);
  expect(tf.memory().numTensors, 'tensors leaked').toBe(before);
  return result;
}

/** The textbook composition, differentiated by tfjs: the baseline batchNormTrain replaces. */
function momentsBatchNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number) {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  const y = tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))), gamma), beta);
  return { y, mean, variance };
}

/**
 * On wasm, runs `body` with our SIMD kernels ('wasm-simd') or without them ('composed', as where
 * they cannot run); elsewhere just runs it.
 */
async function withWasmPath<T>(path: 'wasm-simd' | 'composed', body: () => T | Promise<T>): Promise<T> {
  const kernels = simdKernels.current;
  if (path === 'composed') simdKernels.current = null;
  try {
    return await body();
  } finally {
    simdKernels.current = kernels;
  }
}

const variants = [
  ['cpu', 'composed'],
  ['wasm', 'wasm-simd'],
  ['wasm', 'composed'],
  ['tensorflow', 'tensorflow-fused'],
] as const;

for (const [backend, implementationWanted] of variants) {
  let skip: string | null = null;
  try {
    await initBackend(backend);
  } catch (error) {
    skip = (error as Error).message;
    console.warn(`SKIPPED batchNormTrain on ${backend}: ${skip}`);
  }
  const path = implementationWanted === 'composed' ? 'composed' : 'wasm-simd';

  describe.skipIf(skip != null)(`batchNormTrain on ${backend} (${implementationWanted})`, () => {
    it.each(fixtures.map((f) => [f.shape.join('x'), f] as const))('matches PyTorch for x %s (forward, statistics, gradients)', async (_, f) => {
      await initBackend(backend);
      let implementation = '';
      const got = await withWasmPath(path, () =>
        run(f, (x, g, b) => {
          const out = batchNormTrain(x, g, b, f.eps);
          implementation = out.implementation;
          return out;
        }),
      );
      expect(implementation).toBe(implementationWanted);
      for (const k of ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'] as const) {
        expect(maxRelErr(got[k], f[k]), k).toBeLessThan(1e-4);
      }
      // The documented convention for running statistics: unbiased = variance · n/(n−1).
      const n = f.x.length / f.gamma.length;
      expect(maxRelErr(Array.from(got.variance, (v) => (v * n) / (n - 1)), f.unbiasedVariance)).toBeLessThan(1e-4);
    });

    it('matches the tf.moments composition it replaces, with fewer kernels on the tape', async () => {
      await initBackend(backend);
      const f = fixtures[0];
      const fused = await withWasmPath(path, () => run(f, (x, g, b) => batchNormTrain(x, g, b, f.eps)));
      const plain = run(f, (x, g, b) => momentsBatchNorm(x, g, b, f.eps));
      for (const k of ['y', 'mean', 'variance', 'dx', 'dgamma', 'dbeta'] as const) {
        expect(maxRelErr(fused[k], plain[k]), k).toBeLessThan(1e-4);
      }
      // Count kernels with tf.profile: the fused op must run fewer of them than the composition.
      const count = async (fused: boolean) => {
        const x = tf.tensor(f.x, f.shape);
        const g = tf.tensor1d(f.gamma);
        const b = tf.tensor1d(f.beta);
        const profile = await tf.profile(() => {
          const r = tf.grads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
            const out = fused ? batchNormTrain(xx, gg as tf.Tensor1D, bb as tf.Tensor1D, f.eps) : momentsBatchNorm(xx, gg as tf.Tensor1D, bb as tf.Tensor1D, f.eps);
            const s = tf.sum(out.y);
            tf.dispose([out.mean, out.variance]);
            return s;
          })([x, g, b]);
          tf.dispose(r);
        });
        tf.dispose([x, g, b]);
        return profile.kernels.length;
      };
      const nFused = await withWasmPath(path, () => count(true));
      const nPlain = await count(false);
      console.info(`${backend} (${implementationWanted}): batchNormTrain forward+backward ${nFused} kernels, tf.moments composition ${nPlain}`);
      expect(nFused).toBeLessThan(nPlain);
    });
  });
}

describe('batchNormTrain input checks', () => {
  it('rejects bad shapes, dtypes and eps with clear errors, and does not leak under tf.tidy', async () => {
    await initBackend('cpu');
    const x = tf.zeros([2, 3, 3, 4]);
    const g = tf.ones([4]) as tf.Tensor1D;
    const b = tf.zeros([4]) as tf.Tensor1D;
    expect(() => batchNormTrain(x, tf.ones([3]) as tf.Tensor1D, b)).toThrow(/gamma must have shape \[4\] \(x's channels\), got \[3\]/);
    expect(() => batchNormTrain(x, g, tf.zeros([4, 1]) as unknown as tf.Tensor1D)).toThrow(/beta must have shape \[4\]/);
    expect(() => batchNormTrain(x, g, b, 0)).toThrow(/eps must be a finite number > 0, got 0/);
    expect(() => batchNormTrain(tf.zeros([1, 1, 1, 4]), g, b)).toThrow(/more than 1 value per channel.*\[1,1,1,4\]/);
    expect(() => batchNormTrain(tf.zeros([4]), g, b)).toThrow(/rank ≥ 2/);
    expect(() => batchNormTrain(tf.zeros([2, 4], 'int32'), g, b)).toThrow(/must be float32, got int32/);
    const before = tf.memory().numTensors;
    const y = tf.tidy(() => batchNormTrain(x, g, b).y);
    expect(tf.memory().numTensors).toBe(before + 1);
    const out = batchNormTrain(x, g, b);
    expect(tf.memory().numTensors).toBe(before + 4);
    tf.dispose([y, out.y, out.mean, out.variance, x, g, b]);
  });
});

describe('batchNormTrain with the wasm SIMD kernels on large tensors', () => {
  it('matches a float64 reference with both threads, odd channel counts and means far from 0', async () => {
    await initBackend('wasm');
    expect(simdKernels.current?.threads, 'helper threads run in Node').toBeGreaterThan(1);
    for (const [shape, offset] of [
      [[32, 32, 32, 16], 0],
      [[40, 17, 9, 13], 1000], // 6120 rows × 13 channels, every value ≈ 1000 (shifted sums)
      [[4096, 7], -50],
    ] as const) {
      const rng = createRng(shape.length * 97 + shape[0]);
      const c = shape[shape.length - 1];
      const size = shape.reduce((a, b) => a * b, 1);
      const rows = size / c;
      const xv = Float64Array.from({ length: size }, (_, i) => offset + (1 + (i % c)) * rng.normal());
      const dyv = Float64Array.from({ length: size }, () => rng.normal());
      const gv = Float64Array.from({ length: c }, () => 1 + 0.1 * rng.normal());
      const bv = Float64Array.from({ length: c }, () => rng.normal());
      // float64 reference: statistics, y and the closed-form gradients
      const mean = new Float64Array(c);
      const variance = new Float64Array(c);
      for (let i = 0; i < size; i++) mean[i % c] += xv[i] / rows;
      for (let i = 0; i < size; i++) variance[i % c] += (xv[i] - mean[i % c]) ** 2 / rows;
      const invstd = Array.from(variance, (v) => 1 / Math.sqrt(v + 1e-5));
      const xhat = Float64Array.from(xv, (v, i) => (v - mean[i % c]) * invstd[i % c]);
      const y = Float64Array.from(xhat, (v, i) => v * gv[i % c] + bv[i % c]);
      const dBeta = new Float64Array(c);
      const dGamma = new Float64Array(c);
      for (let i = 0; i < size; i++) {
        dBeta[i % c] += dyv[i];
        dGamma[i % c] += dyv[i] * xhat[i];
      }
      const dx = Float64Array.from(dyv, (g, i) => gv[i % c] * invstd[i % c] * (g - dBeta[i % c] / rows - (xhat[i] * dGamma[i % c]) / rows));

      const before = tf.memory().numTensors;
      const x = tf.tensor(Float32Array.from(xv), [...shape]);
      const gamma = tf.tensor1d(Float32Array.from(gv));
      const beta = tf.tensor1d(Float32Array.from(bv));
      const dy = tf.tensor(Float32Array.from(dyv), [...shape]);
      let got: { y: Float32Array; mean: Float32Array; variance: Float32Array; implementation: string } | undefined;
      const { value, grads } = tf.valueAndGrads((xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
        const out = batchNormTrain(xx, gg as tf.Tensor1D, bb as tf.Tensor1D);
        got = { y: out.y.dataSync() as Float32Array, mean: out.mean.dataSync() as Float32Array, variance: out.variance.dataSync() as Float32Array, implementation: out.implementation };
        tf.dispose([out.mean, out.variance]);
        return tf.sum(tf.mul(out.y, dy)) as tf.Scalar;
      })([x, gamma, beta]);
      const label = `x [${shape}] + ${offset}`;
      expect(got!.implementation, label).toBe('wasm-simd');
      expect(maxRelErr(got!.mean, mean), `${label} mean`).toBeLessThan(1e-5);
      expect(maxRelErr(got!.variance, variance), `${label} variance`).toBeLessThan(1e-4);
      expect(maxRelErr(got!.y, y), `${label} y`).toBeLessThan(1e-4);
      expect(maxRelErr(grads[0].dataSync(), dx), `${label} dx`).toBeLessThan(1e-4);
      expect(maxRelErr(grads[1].dataSync(), dGamma), `${label} dgamma`).toBeLessThan(1e-4);
      expect(maxRelErr(grads[2].dataSync(), dBeta), `${label} dbeta`).toBeLessThan(1e-4);
      tf.dispose([x, gamma, beta, dy, value, ...grads]);
      expect(tf.memory().numTensors, `${label}: tensors leaked`).toBe(before);
    }
  });
});
