import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { createRng } from '@cnn/core';
import { createModel, toClassifier } from '@cnn/models';
import { beforeAll, describe, expect, it } from 'vitest';
import { ATTACKS, attackFn, epsLabel, epsOf, SLIDER_MAX, type AttackId } from './attack-choice.js';

describe('the ε slider', () => {
  it('maps positions to L∞ radii in 1/255 and L2 radii in 1/16', () => {
    expect(epsOf('linf', 8)).toBe(8 / 255);
    expect(epsOf('l2', 8)).toBe(0.5);
    expect(epsOf('l2', SLIDER_MAX)).toBe(2);
    expect(epsLabel('linf', 8)).toBe('8/255');
    expect(epsLabel('l2', 8)).toBe('0.50');
  });

  it('refuses positions off the slider, naming the range', () => {
    expect(() => epsOf('linf', 33)).toThrow('ε slider position must be from 0 to 32, got 33');
    expect(() => epsOf('l2', Number.NaN)).toThrow('got NaN');
  });
});

describe('attackFn on a real backend (cpu) and a small seeded ResNet', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('each attack stays inside its ε-ball in its own norm, leaves no tensors, and is seeded', async () => {
    const model = createModel('resnet20', { seed: 1, stemWidth: 4, widths: [4, 8, 16], depths: [1, 1, 1] });
    const classifier = toClassifier(model);
    const rng = createRng(5);
    const images = tf.tensor4d(Float32Array.from({ length: 2 * 32 * 32 * 3 }, () => rng.uniform()), [2, 32, 32, 3]);
    // The net's own predictions: every image starts classified right, so every attack (APGD
    // leaves misclassified images as they are) has something to do.
    const labels = tf.tidy(() => Array.from(tf.argMax(classifier(images), 1).dataSync()));
    try {
      for (const id of Object.keys(ATTACKS) as AttackId[]) {
        const before = tf.memory().numTensors;
        const settings = { id, position: 8, steps: 3, seed: 0 };
        const first = await attackFn(settings)(classifier, images, labels);
        const again = await attackFn(settings)(classifier, images, labels);
        const { linf, l2, same } = tf.tidy(() => {
          const delta = tf.sub(first.adversarial, images);
          return {
            linf: tf.max(tf.abs(delta)).dataSync()[0],
            l2: Array.from(tf.sqrt(tf.sum(tf.square(delta), [1, 2, 3])).dataSync()),
            same: tf.max(tf.abs(tf.sub(first.adversarial, again.adversarial))).dataSync()[0],
          };
        });
        tf.dispose([first.adversarial, again.adversarial]);
        expect(tf.memory().numTensors, `${id} left tensors behind`).toBe(before);
        const eps = epsOf(ATTACKS[id].norm, 8);
        if (ATTACKS[id].norm === 'linf') expect(linf, id).toBeLessThanOrEqual(eps + 1e-6);
        else for (const norm of l2) expect(norm, id).toBeLessThanOrEqual(eps + 1e-4);
        expect(linf, `${id} moved the images`).toBeGreaterThan(0);
        expect(same, `${id} with the same seed`).toBe(0);
      }
    } finally {
      images.dispose();
      model.dispose();
    }
  });

  it('refuses an unknown attack and bad steps, naming them', () => {
    expect(() => attackFn({ id: 'cw' as AttackId, position: 8, steps: 3, seed: 0 })).toThrow(
      'unknown attack "cw"; choose one of fgsm, pgd-linf, pgd-l2, apgd-linf, apgd-l2',
    );
    expect(() => attackFn({ id: 'pgd-linf', position: 8, steps: 0, seed: 0 })).toThrow('steps must be a positive integer, got 0');
  });
});
