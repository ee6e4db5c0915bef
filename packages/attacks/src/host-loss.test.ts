import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@cnn/backend';
import { createRng } from '@cnn/core';
import { hostLoss, type ApgdLoss } from './host-loss.js';
import { apgd, perExampleLoss, type ApgdOptions } from './index.js';
import { withLossOnDevice } from './loss-gradient.js';
import { f32, fixtureModel, loadFixture } from '../test/fixture.js';

// hostLoss must give what TF.js computes and differentiates for perExampleLoss: the same values
// and the same gradient with respect to the logits (APGD uses one or the other by backend).
const N = 64;
const K = 10;

/** Logits with ties (a few rows repeat values) and a wide spread. */
function logits(seed: number): Float32Array {
  const rng = createRng(seed);
  const z = Float32Array.from({ length: N * K }, () => Math.fround(rng.normal() * 3));
  for (let i = 0; i < N; i += 7) z.fill(z[i * K], i * K, i * K + 4); // four equal logits
  for (let i = 3; i < N; i += 11) z[i * K + 5] = z[i * K + 9]; // a tie at the top or not
  return z;
}

function deviceLoss(z: Float32Array, classes: Int32Array, loss: ApgdLoss, targeted: boolean, labels: Int32Array): { value: Float32Array; grad: Float32Array } {
  return tf.tidy(() => {
    const zt = tf.tensor2d(z, [N, K]);
    const c = tf.tensor1d(classes, 'int32');
    const y = tf.tensor1d(labels, 'int32');
    const f = (t: tf.Tensor) => perExampleLoss(t as tf.Tensor2D, c, loss, targeted, y);
    const value = f(zt).dataSync() as Float32Array;
    const grad = tf.grad((t: tf.Tensor) => tf.sum(f(t)))(zt).dataSync() as Float32Array;
    return { value: Float32Array.from(value), grad: Float32Array.from(grad) };
  });
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b));
}

const cases: [ApgdLoss, boolean][] = [
  ['ce', false],
  ['ce', true],
  ['dlr', false],
  ['dlr-targeted', true],
];

describe('hostLoss: perExampleLoss and its logit gradient on the host', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it.each(cases)('%s (targeted %s): values and gradients match TF.js autodiff, ties included', (loss, targeted) => {
    for (const seed of [1, 2, 3]) {
      const rng = createRng(100 + seed);
      const z = logits(seed);
      const labels = Int32Array.from({ length: N }, () => rng.int(K));
      const classes = targeted ? Int32Array.from(labels, (y) => (y + 1 + rng.int(K - 1)) % K) : labels;
      const host = hostLoss(z, K, classes, loss, targeted, labels);
      const device = deviceLoss(z, classes, loss, targeted, labels);
      // float64 on the host, float32 on the device: equal to 1e-5 relative (DLR of tied logits is ~1e12)
      for (let i = 0; i < N; i++) expect(close(host.loss[i], device.value[i]), `row ${i}: ${host.loss[i]} vs ${device.value[i]}`).toBe(true);
      for (let j = 0; j < N * K; j++) {
        expect(close(host.dLogits[j], device.grad[j]), `row ${Math.floor(j / K)} class ${j % K}: ${host.dLogits[j]} vs ${device.grad[j]}`).toBe(true);
      }
      const argmax = tf.tidy(() => tf.argMax(tf.tensor2d(z, [N, K]), 1).dataSync());
      expect(Array.from(host.pred)).toEqual(Array.from(argmax));
    }
  });
});

// APGD computes its loss on the host where reads are cheap and on the device on webgl/webgpu; both
// paths must attack alike. The fixture model keeps input gradients far from 0 (no sign flips).
describe('APGD with the loss on the host and on the device', () => {
  const fx = loadFixture();
  const runs: [string, ApgdOptions][] = [
    ['ce', { eps: 8 / 255, steps: 10, seed: 3, loss: 'ce' }],
    ['dlr', { eps: 8 / 255, steps: 10, seed: 3, loss: 'dlr' }],
    ['targeted dlr', { eps: 8 / 255, steps: 10, seed: 3, targeted: true, nTargetClasses: 3 }],
  ];
  it.each(runs)('%s: the same adversarial images and successes on the cpu backend, no leaks', async (_name, options) => {
    await initBackend('cpu');
    const model = fixtureModel(fx);
    const images = tf.tensor4d(f32(fx.images), fx.shape);
    const before = tf.memory().numTensors;
    const onHost = await apgd(model.classifier, images, fx.labels, options);
    const onDevice = await withLossOnDevice(() => apgd(model.classifier, images, fx.labels, options));
    const a = await onHost.adversarial.data();
    const b = await onDevice.adversarial.data();
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    expect(maxDiff).toBeLessThanOrEqual(1e-5);
    expect(onHost.success).toEqual(onDevice.success);
    tf.dispose([onHost.adversarial, onDevice.adversarial]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([images, ...model.weights]);
  });
});
