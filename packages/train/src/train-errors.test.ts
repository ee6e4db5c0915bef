import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loader, type Dataset } from '@cnn/data';
import type { Model } from '@cnn/models';
import { evaluate } from './evaluate.js';
import { train, type NodeTrainOptions as TrainOptions } from './node-train.js';
import { cifarHead, crop16, tensorflowElseCpu, tinyModel } from './test-data.js';
import type { TrainableModel } from './types.js';

// Bad options and failing runs: a clear error naming what is wrong, no directory left behind by a
// refused option, and no tensors left behind in any case.
let trainSet: Dataset;
let tmp: string;
let model: Model;

beforeAll(async () => {
  await tensorflowElseCpu();
  trainSet = await cifarHead(32);
  tmp = await mkdtemp(join(tmpdir(), 'cnn-train-errors-'));
  model = tinyModel(2);
});
afterAll(async () => {
  model.dispose();
  await rm(tmp, { recursive: true, force: true });
});

const options = (extra: Partial<TrainOptions> = {}): TrainOptions => ({
  model,
  trainLoader: loader(trainSet, { batchSize: 8, prefetch: 1, transform: crop16() }),
  epochs: 1,
  maxSteps: 1,
  optimizer: { type: 'sgd' },
  schedule: { type: 'constant', lr: 0.05 },
  progress: 'none',
  report: false,
  ...extra,
});

/** `train(o)` rejects with `message`, leaking no tensors. */
async function rejects(o: TrainOptions, message: RegExp): Promise<void> {
  const before = tf.memory().numTensors;
  await expect(train(o)).rejects.toThrow(message);
  expect(tf.memory().numTensors).toBe(before);
}

describe('train validates every numeric option before it creates anything', () => {
  const cases: Array<[string, Partial<TrainOptions>, RegExp]> = [
    ['negative learning rate', { schedule: { type: 'constant', lr: -1 } }, /train: schedule\.lr must be a finite number > 0, got -1/],
    ['zero cosine rate', { schedule: { type: 'cosine', lr: 0 } }, /schedule\.lr must be a finite number > 0, got 0/],
    ['NaN one-cycle peak', { schedule: { type: 'onecycle', maxLr: NaN } }, /schedule\.maxLr must be a finite number > 0, got NaN/],
    ['minLr above lr', { schedule: { type: 'cosine', lr: 0.1, minLr: 0.5 } }, /schedule\.minLr must be a finite number ≥ 0 and ≤ 0\.1, got 0\.5/],
    ['unsorted milestones', { schedule: { type: 'multistep', lr: 0.1, milestones: [10, 5] } }, /schedule\.milestones must be epochs ≥ 0 in increasing order, got \[10,5\]/],
    ['all-zero piecewise', { schedule: { type: 'piecewise', points: [[0, 0], [1, 0]] } }, /schedule\.points: every learning rate is 0/],
    ['unknown schedule', { schedule: { type: 'linear', lr: 0.1 } as never }, /schedule\.type must be one of constant, step, multistep, cosine, piecewise, onecycle, got "linear"/],
    ['Nesterov without momentum', { optimizer: { type: 'sgd', nesterov: true, momentum: 0 } }, /optimizer: Nesterov momentum needs momentum > 0/],
    ['negative weight decay', { optimizer: { type: 'sgd', weightDecay: -1e-4 } }, /optimizer\.weightDecay must be a finite number ≥ 0, got -0\.0001/],
    ['Adam β1 = 1', { optimizer: { type: 'adam', beta1: 1 } }, /optimizer\.beta1 must be a finite number ≥ 0 and < 1, got 1/],
    ['unknown optimizer', { optimizer: { type: 'rmsprop' } as never }, /optimizer\.type must be one of sgd, adam, adamw, got "rmsprop"/],
    ['ε in 0–255 units', { mode: { type: 'pgd', eps: 8 } }, /mode\.eps must be a finite number > 0 and ≤ 1, got 8/],
    ['zero PGD steps', { mode: { type: 'pgd', eps: 8 / 255, steps: 0 } }, /mode\.steps must be an integer ≥ 1, got 0/],
    ['mixup α = 0', { mode: { type: 'mixup', alpha: 0 } }, /mode\.alpha must be a finite number > 0, got 0/],
    ['CutMix probability 2', { mode: { type: 'cutmix', prob: 2 } }, /mode\.prob must be a finite number ≥ 0 and ≤ 1, got 2/],
    ['label smoothing 1', { labelSmoothing: 1 }, /labelSmoothing must be a finite number ≥ 0 and < 1, got 1/],
    ['one class', { numClasses: 1 }, /numClasses must be an integer ≥ 2, got 1/],
    ['zero epochs', { epochs: 0 }, /epochs must be an integer ≥ 1, got 0/],
    ['log every 0 steps', { logEverySteps: 0 }, /logEverySteps must be an integer ≥ 1, got 0/],
    ['checkpoint every 1.5 steps', { checkpointEverySteps: 1.5 }, /checkpointEverySteps must be an integer ≥ 1, got 1\.5/],
    ['final attack ε in 0–255 units', { finalEvaluate: { attacks: [{ type: 'pgd', eps: 8 }] } }, /finalEvaluate\.attacks\[0\]\.eps must be a finite number ≥ 0 and ≤ 1, got 8/],
  ];
  it.each(cases)('%s → a clear error, no run directory, no tensors', async (name, extra, message) => {
    const out = join(tmp, name.replace(/\W+/g, '-'));
    await rejects(options({ ...extra, outDir: out }), message);
    expect(existsSync(out)).toBe(false);
  });

  it('evaluate checks its attacks before evaluating anything', async () => {
    const before = tf.memory().numTensors;
    let read = 0;
    const counting: Dataset = { ...trainSet, get: (i, rng) => (read++, trainSet.get(i, rng)) };
    await expect(evaluate(model, loader(counting, { batchSize: 8, prefetch: 0, transform: crop16() }), { attacks: [{ type: 'fgsm', eps: 8 }] })).rejects.toThrow(
      /evaluate: options\.attacks\[0\]\.eps must be a finite number ≥ 0 and ≤ 1, got 8/,
    );
    expect(read).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('a failing run leaks no tensors', () => {
  it('model and options disagree on the number of classes', async () => {
    await rejects(options({ numClasses: 100 }), /train: the model outputs 10 classes but options\.numClasses is 100/);
  });

  it('labels beyond the model’s classes (a 5-class model on CIFAR-10) stop the run before an update', async () => {
    const five = tinyModel(2, 5);
    const weights = five.namedParameters().map(([, v]) => v.dataSync().slice());
    await rejects(options({ model: five }), /train: a label of epoch 1, step 1 is \d, outside the model's classes 0…4; the update was not applied/);
    five.namedParameters().forEach(([, v], i) => expect(v.dataSync()).toEqual(weights[i]));
    five.dispose();
  });

  it('a model that throws inside the training forward pass', async () => {
    const failing: TrainableModel = {
      apply: (x, o) => {
        if (!o.training) return model.apply(x, o);
        tf.relu(model.apply(x, o)); // work recorded on the gradient tape before the failure
        throw new Error('my model failed');
      },
      namedParameters: () => model.namedParameters(),
      namedBuffers: () => model.namedBuffers(),
    };
    await rejects(options({ model: failing }), /my model failed/);
  });
});
