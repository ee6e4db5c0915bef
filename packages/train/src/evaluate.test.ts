import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@cnn/backend';
import { brier, calibrationError, ece, nll } from '@cnn/calibration';
import { loadCifar, loader, type Dataset } from '@cnn/data';
import { createModel, toClassifier, type Model } from '@cnn/models';
import { evaluate } from './evaluate.js';

const DATA = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..', 'shared', 'data');
let testSet: Dataset;
let model: Model;

beforeAll(async () => {
  try {
    await initBackend('tensorflow');
  } catch (e) {
    console.warn(`tensorflow unavailable (${(e as Error).message.split('\n')[0]}); evaluating on cpu`);
    await initBackend('cpu');
  }
  const full = await loadCifar({ root: DATA, split: 'test' });
  testSet = { length: 96, classNames: full.classNames, get: (i) => full.get(i) };
  model = createModel('resnet20', { widths: [8, 16, 16], depths: [1, 1, 1], stemWidth: 8, seed: 5 });
});

describe('evaluate', () => {
  it('computes accuracy and calibration exactly as @cnn/calibration on its own probabilities, robust accuracy per attack and worst case', async () => {
    const before = tf.memory().numTensors;
    const eps = 8 / 255;
    const r = await evaluate(model, loader(testSet, { batchSize: 32 }), {
      maxExamples: 80,
      attackMaxExamples: 40,
      attacks: [
        { type: 'fgsm', eps },
        { type: 'pgd', eps, steps: 3 },
        { type: 'fgsm', eps: 0, name: 'noop' },
      ],
      keepPredictions: true,
      keepExamples: 3,
    });
    expect(tf.memory().numTensors).toBe(before); // every batch disposed, also the ones past maxExamples
    expect(r.n).toBe(80);
    const probs = r.probabilities!;
    const labels = r.labels!;
    expect(probs).toHaveLength(80);
    const pred = probs.map((p) => p.indexOf(Math.max(...p)));
    const correct = pred.map((p, i) => (p === labels[i] ? 1 : 0));
    expect(r.accuracy).toBeCloseTo(correct.reduce((a: number, b) => a + b, 0) / 80, 12);
    expect(r.nll).toBeCloseTo(nll(probs, labels), 10);
    expect(r.brier).toBeCloseTo(brier(probs, labels), 10);
    expect(r.ece).toBeCloseTo(ece(probs, labels), 10);
    expect(r.calibrationErrorTopLabel).toBeCloseTo(calibrationError(probs, labels, { mode: 'top-label' }), 10);
    expect(r.calibrationErrorMarginal).toBeCloseTo(calibrationError(probs, labels, { mode: 'marginal' }), 10);
    expect(r.reliabilitySvg).toMatch(/^<svg/);

    const rob = r.robust!;
    expect(rob.n).toBe(40);
    expect(rob.clean).toBeCloseTo(correct.slice(0, 40).reduce((a: number, b) => a + b, 0) / 40, 12);
    expect(Object.keys(rob.perAttack)).toEqual(['fgsm', 'pgd-3', 'noop']);
    expect(rob.perAttack.noop).toBeCloseTo(rob.clean, 12); // ε = 0 changes nothing
    expect(rob.worstCase).toBeLessThanOrEqual(Math.min(...Object.values(rob.perAttack)));

    expect(r.examples).toHaveLength(3);
    for (const ex of r.examples!) {
      expect([ex.height, ex.width, ex.channels]).toEqual([32, 32, 3]);
      let maxDiff = 0;
      for (let i = 0; i < ex.clean.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ex.adversarial![i] - ex.clean[i]));
      expect(maxDiff).toBeLessThanOrEqual(eps + 1e-6);
      expect(maxDiff).toBeGreaterThan(0);
      expect(ex.attack).toBe('fgsm');
    }
  });

  it('takes a Classifier as well as a Model and gives the same numbers', async () => {
    const a = await evaluate(model, loader(testSet, { batchSize: 48 }));
    const b = await evaluate(toClassifier(model), loader(testSet, { batchSize: 48 }));
    expect(b.accuracy).toBe(a.accuracy);
    expect(b.nll).toBeCloseTo(a.nll, 12);
    expect(a.robust).toBeUndefined();
  });

  it('rejects bad input clearly', async () => {
    await expect(evaluate(model, loader(testSet, { batchSize: 32 }), { attacks: [{ type: 'fgsm', eps: 0.1 }, { type: 'fgsm', eps: 0.2 }] })).rejects.toThrow(
      /attack names must be unique/,
    );
    const empty = { async *[Symbol.asyncIterator]() {} };
    await expect(evaluate(model, empty)).rejects.toThrow(/no examples/);
    const before = tf.memory().numTensors;
    const badLabels = {
      async *[Symbol.asyncIterator]() {
        yield { images: tf.zeros([2, 32, 32, 3]) as tf.Tensor4D, labels: tf.tensor1d([0, 10], 'int32') };
      },
    };
    await expect(evaluate(model, badLabels)).rejects.toThrow(/label 10 outside \[0, 9\]/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
