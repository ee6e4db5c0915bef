import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '@cnn/backend';
import { createRng } from '@cnn/core';
import { createModel } from '@cnn/models';
import { adversarialBatch, attackName, defaultPgdStep, resolveAttack } from './adversarial.js';
import type { TrainableModel } from './types.js';

describe('attack defaults', () => {
  it('uses one PGD step-size rule for training and evaluation: ε/4', () => {
    expect(defaultPgdStep(8 / 255)).toBeCloseTo(2 / 255, 15);
    const pgd20 = resolveAttack({ type: 'pgd', eps: 8 / 255, steps: 20 });
    expect(pgd20.stepSize).toBeCloseTo(2 / 255, 15);
    expect(pgd20.randomStart).toBe(true);
    expect(resolveAttack({ type: 'pgd', eps: 4 / 255, steps: 7, stepSize: 0.003 }).stepSize).toBe(0.003);
    expect(resolveAttack({ type: 'fgsm-rs', eps: 8 / 255 }).stepSize).toBeCloseTo(1.25 * (8 / 255), 15);
    expect(attackName(pgd20)).toMatch(/pgd/i);
  });
});

describe('adversarial training examples (tensorflow, else cpu)', () => {
  it('cost one forward+backward per attack step and no extra forward pass to measure success', async () => {
    try {
      await initBackend('tensorflow');
    } catch {
      await initBackend('cpu');
    }
    const net = createModel('resnet20', { widths: [4, 8, 8], depths: [1, 1, 1], stemWidth: 4, seed: 1 });
    let calls = 0;
    const counted: TrainableModel = {
      apply: (x, o) => {
        calls++;
        return net.apply(x, o);
      },
      namedParameters: () => net.namedParameters(),
      namedBuffers: () => net.namedBuffers(),
    };
    const images = tf.randomUniform([4, 16, 16, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    const labels = tf.tensor1d([0, 1, 2, 3], 'int32');
    const before = tf.memory().numTensors;
    const eps = 8 / 255;
    for (const [mode, forwards] of [
      [{ type: 'pgd', eps, steps: 3 }, 3],
      [{ type: 'fgsm-rs', eps }, 1],
      // The clean half is not attacked at all.
      [{ type: 'pgd', eps, steps: 2, cleanFraction: 0.5 }, 2],
    ] as const) {
      calls = 0;
      const adv = await adversarialBatch(mode, counted, images, labels, createRng(1));
      expect(calls, JSON.stringify(mode)).toBe(forwards);
      const d = tf.tidy(() => tf.max(tf.abs(tf.sub(adv, images))).dataSync()[0]);
      expect(d).toBeLessThanOrEqual(eps + 1e-6);
      expect(d).toBeGreaterThan(0);
      adv.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([images, labels]);
    net.dispose();
  });
});
