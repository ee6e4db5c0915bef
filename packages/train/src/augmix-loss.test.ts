import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@cnn/backend';
import { maxRelErr } from '@cnn/core/testing';
import { augmixJsdLoss, augmixViews } from './augmix-loss.js';
import { lossTargets } from './loss.js';

// Made by fixtures/make_augmix_jsd.py with the lines of google-research/augmix cifar.py (torch, float64).
interface Case {
  name: string;
  logits: number[][];
  weight: number;
  smoothing: number;
  loss: number;
  grad: number[][];
}
const fx = JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/augmix_jsd.json', import.meta.url)), 'utf8')) as {
  b: number;
  k: number;
  labels: number[];
  cases: Case[];
};

beforeAll(async () => {
  await initBackend('cpu');
});

/** The loss and its gradient w.r.t. the logits for a fixture case; checks that no tensor is left. */
function lossAndGrad(c: Case): { loss: number; grad: Float32Array } {
  const before = tf.memory().numTensors;
  const out = tf.tidy(() => {
    const logits = tf.tensor2d(c.logits);
    const targets = lossTargets(tf.tensor1d(fx.labels, 'int32'), fx.k, { labelSmoothing: c.smoothing });
    const { value, grad } = tf.valueAndGrad((z: tf.Tensor) => augmixJsdLoss(z as tf.Tensor2D, targets, c.weight))(logits);
    return { loss: value.dataSync()[0], grad: grad.dataSync() as Float32Array };
  });
  expect(tf.memory().numTensors, 'tensors left').toBe(before);
  return out;
}

describe('augmixJsdLoss matches cifar.py (torch float64 fixture)', () => {
  for (const c of fx.cases) {
    it(`${c.name}: loss ${c.loss.toFixed(6)} and its gradient w.r.t. the logits`, () => {
      const { loss, grad } = lossAndGrad(c);
      expect(Math.abs(loss - c.loss) / c.loss).toBeLessThan(2e-6);
      expect(maxRelErr(grad, c.grad.flat())).toBeLessThan(1e-5);
    });
  }

  it('the consistency term matters: λ = 12 and λ = 0 give different losses (the fixture is not degenerate)', () => {
    const byName = Object.fromEntries(fx.cases.map((c) => [c.name, c.loss]));
    expect(byName.lambda12 - byName.lambda0).toBeGreaterThan(1);
  });
});

describe('augmix batch shape', () => {
  it('names the expected and actual image counts when a batch is not 3 views per label', () => {
    expect(augmixViews(12, 4)).toBe(4);
    expect(() => augmixViews(8, 4)).toThrow(/3 × 4 labels = 12 images.*got 8 images/);
    const before = tf.memory().numTensors;
    const logits = tf.zeros([8, 5]) as tf.Tensor2D;
    const targets = tf.zeros([4, 5]) as tf.Tensor2D;
    expect(() => augmixJsdLoss(logits, targets)).toThrow(/augmixJsdLoss: .*got 8 images/);
    tf.dispose([logits, targets]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
