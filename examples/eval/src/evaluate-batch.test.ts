import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@cnn/backend';
import { createModel, toClassifier } from '@cnn/models';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EvalSettings } from './args.js';
import { batchSeed, evaluateBatch } from './evaluate-batch.js';
import { decodeF32 } from './results-file.js';

const SETTINGS: EvalSettings = {
  dataset: 'cifar10', n: 6, model: null, widths: null, depths: null, stemWidth: null, normalize: 'registry', attack: 'pgd', norm: 'linf',
  eps: 8 / 255, version: 'standard', steps: 2, stepSize: null, restarts: 1, queries: null, batchSize: 6, calibration: true, corruptions: [], seed: 0,
};

describe('evaluateBatch', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('attacks the clean-correct examples only, keeps the others\' clean probabilities, and leaks no tensors', async () => {
    const model = createModel('resnet20', { widths: [4, 8, 8], depths: [1, 1, 1], stemWidth: 4, seed: 3 });
    const classifier = toClassifier(model);
    const images = tf.randomUniform([6, 32, 32, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    // Labels = the model's own predictions for the first 3 (clean-correct), another class for the rest.
    const top = tf.tidy(() => tf.argMax(classifier(images), 1).dataSync());
    const labels = Int32Array.from(top, (p, i) => (i < 3 ? p : (p + 1) % 10));
    const before = tf.memory().numTensors;
    const { record } = await evaluateBatch(SETTINGS, ['pgd-2'], classifier, { start: 12, images, labels });
    expect(tf.memory().numTensors).toBe(before);
    expect(record.cleanPrediction.map((p, i) => p === labels[i])).toEqual([true, true, true, false, false, false]);
    expect(record.robust.slice(3)).toEqual([0, 0, 0]);
    expect(record.stageCorrect).toEqual([record.robust.reduce((a, x) => a + x, 0)]);
    const clean = decodeF32(record.cleanProbs!, 60, 'clean');
    const adv = decodeF32(record.advProbs!, 60, 'adv');
    expect(Array.from(adv.subarray(30))).toEqual(Array.from(clean.subarray(30)));
    expect(Array.from(adv.subarray(0, 30))).not.toEqual(Array.from(clean.subarray(0, 30)));
    images.dispose();
    model.dispose();
  });

  it('leaks no tensors when the attack fails', async () => {
    const model = createModel('resnet20', { widths: [4, 8, 8], depths: [1, 1, 1], stemWidth: 4, seed: 3 });
    const classifier = toClassifier(model);
    const images = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const labels = Int32Array.from(tf.tidy(() => tf.argMax(classifier(images), 1).dataSync()));
    const before = tf.memory().numTensors;
    await expect(evaluateBatch({ ...SETTINGS, stepSize: -1 }, ['pgd-2'], classifier, { start: 0, images, labels })).rejects.toThrow(/stepSize/);
    expect(tf.memory().numTensors).toBe(before);
    images.dispose();
    model.dispose();
  });

  it('seeds a batch by the run seed and its first example only', () => {
    expect(batchSeed(0, 100)).toBe(batchSeed(0, 100));
    expect(new Set([batchSeed(0, 0), batchSeed(0, 100), batchSeed(1, 0), batchSeed(1, 100)]).size).toBe(4);
  });
});
