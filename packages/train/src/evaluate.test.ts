import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@cnn/backend';
import { brier, calibrationError, ece, nll } from '@cnn/calibration';
import { loader, type Dataset } from '@cnn/data';
import { loadCifar } from '@cnn/data/node';
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
    for (const acc of Object.values(rob.perAttack)) expect(acc).toBeLessThanOrEqual(rob.clean); // only clean-correct ones are attacked

    expect(r.examples).toHaveLength(3);
    for (const ex of r.examples!) {
      expect([ex.height, ex.width, ex.channels]).toEqual([32, 32, 3]);
      let maxDiff = 0;
      for (let i = 0; i < ex.clean.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ex.adversarial![i] - ex.clean[i]));
      expect(maxDiff).toBeLessThanOrEqual(eps + 1e-6);
      expect(maxDiff).toBeGreaterThan(0);
      expect(ex.attack).toBe('fgsm');
      expect(ex.cleanPrediction).toBe(ex.label); // the attacked examples are the clean-correct ones
    }
  });

  it('counts as robust only examples correct on clean images and under the attack (AutoAttack, as robustAccuracy)', async () => {
    // Two copies of a 1×1 grey image of class 1 and a classifier whose class-1 logit is 10·sin(4π·p): at
    // p = (π + 0.1)/(4π) it predicts class 0 (wrong); FGSM at ε = 1/4 moves p by 1/4 uphill in the
    // loss, past the trough of the sine, to where the prediction is class 1 — "correct" under attack.
    const p = (Math.PI + 0.1) / (4 * Math.PI);
    const classifier = (x: tf.Tensor4D): tf.Tensor2D =>
      tf.tidy(() => {
        const l1 = tf.mul(tf.sin(tf.mul(tf.reshape(x, [-1, 1]), 4 * Math.PI)), 10);
        return tf.concat([tf.zerosLike(l1), l1], 1) as tf.Tensor2D;
      });
    const oneImage = {
      async *[Symbol.asyncIterator]() {
        yield { images: tf.fill([2, 1, 1, 1], p) as tf.Tensor4D, labels: tf.tensor1d([1, 1], 'int32') };
      },
    };
    const r = await evaluate(classifier, oneImage, { attacks: [{ type: 'fgsm', eps: 0.25 }] });
    expect(r.accuracy).toBe(0);
    expect(r.robust!.clean).toBe(0);
    expect(r.robust!.perAttack.fgsm).toBe(0);
    expect(r.robust!.worstCase).toBe(0);
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
