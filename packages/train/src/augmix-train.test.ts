import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng, type LabeledBatch } from '@cnn/core';
import { loader, type Dataset } from '@cnn/data';
import { augmixJsdLoss } from './augmix-loss.js';
import { lossTargets, softCrossEntropy } from './loss.js';
import { createOptimizer } from './optimizer.js';
import { cifarHead, crop16, tensorflowElseCpu, tinyModel } from './test-data.js';
import { train, type NodeTrainOptions as TrainOptions } from './node-train.js';
import { trainStep } from './train-step.js';
import type { AugmixMode, BatchSource, TrainableModel } from './types.js';

// The augmix training mode on real CIFAR-10 crops. The two "AugMix views" here are stand-ins made
// in the test (a flip and a darkening): the mode's job is the loss over the views, not making them.
let images: Dataset;
let tmp: string;
beforeAll(async () => {
  await tensorflowElseCpu();
  images = await cifarHead(8);
  tmp = await mkdtemp(join(tmpdir(), 'cnn-train-augmix-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Batches of 4 labels with [clean; flipped; darkened] images (12), or the clean 4 only; made as read. */
async function* viewStream(views: 1 | 3): AsyncGenerator<LabeledBatch> {
  for await (const b of loader(images, { batchSize: 4, transform: crop16(), prefetch: 0 })) {
    if (views === 1) yield b;
    else {
      const all = tf.tidy(() => tf.concat([b.images, tf.reverse(b.images, 2), tf.mul(b.images, 0.6)], 0) as tf.Tensor4D);
      b.images.dispose();
      yield { images: all, labels: b.labels };
    }
  }
}

async function firstBatch(views: 1 | 3): Promise<LabeledBatch> {
  for await (const b of viewStream(views)) return b;
  throw new Error('no batch');
}

const where = { epoch: 0, step: 0, globalStep: 0 };

/** The step's loss and the count of correct clean predictions, computed by hand on a twin model. */
function expectedOutcome(batch: LabeledBatch, loss: (logits: tf.Tensor2D, targets: tf.Tensor2D) => tf.Scalar) {
  const twin = tinyModel(1);
  const b = batch.labels.shape[0];
  const [value, correct] = tf.tidy(() => {
    const logits = twin.apply(batch.images, { training: true, updateRunningStats: true });
    const clean = tf.slice(logits, [0, 0], [b, -1]);
    const hits = tf.sum(tf.cast(tf.equal(tf.argMax(clean, 1), tf.cast(batch.labels, 'int32')), 'float32'));
    return [loss(logits, lossTargets(batch.labels, 10)).dataSync()[0], hits.dataSync()[0]];
  });
  twin.dispose();
  return { value, correct };
}

async function step(model: TrainableModel, batch: LabeledBatch, mode: AugmixMode) {
  const optimizer = createOptimizer({ type: 'sgd' }, model.namedParameters());
  try {
    return await trainStep(model, optimizer, batch, 10, mode, createRng(3), 0.01, {} as TrainOptions, where);
  } finally {
    optimizer.dispose();
  }
}

describe('augmix mode: one training forward over the three views, the Jensen–Shannon loss, clean-view statistics', () => {
  it('jsd: the step loss is augmixJsdLoss(λ) of one forward over all 12 images, accuracy of the clean 4', async () => {
    const batch = await firstBatch(3);
    const model = tinyModel(1);
    const seen: number[] = [];
    const recording: TrainableModel = { ...model, apply: (x, o) => (seen.push(x.shape[0]), model.apply(x, o)), namedParameters: () => model.namedParameters(), namedBuffers: () => model.namedBuffers() };
    const want = expectedOutcome(batch, (z, y) => augmixJsdLoss(z, y, 5));
    const ce = expectedOutcome(batch, (z, y) => softCrossEntropy(tf.slice(z, [0, 0], [4, -1]), y));
    const before = tf.memory().numTensors;
    const out = await step(recording, batch, { type: 'augmix', jsdWeight: 5 });
    expect(tf.memory().numTensors, 'tensors left by the step').toBe(before);
    expect(seen).toEqual([12]);
    expect(out.loss).toBeCloseTo(want.value, 4);
    // The consistency term is there: the loss is not the clean cross-entropy alone.
    expect(out.loss - ce.value).toBeGreaterThan(1e-3);
    expect(out.correct).toBe(want.correct);
    model.dispose();
    tf.dispose([batch.images, batch.labels]);
  });

  it('jsd: false trains with plain cross-entropy on a batch of one view per label', async () => {
    const batch = await firstBatch(1);
    const model = tinyModel(1);
    const want = expectedOutcome(batch, (z, y) => softCrossEntropy(z, y));
    const out = await step(model, batch, { type: 'augmix', jsd: false });
    expect(out.loss).toBeCloseTo(want.value, 4);
    model.dispose();
    tf.dispose([batch.images, batch.labels]);
  });

  it('a jsd batch without 3 images per label is refused before any update, naming the counts', async () => {
    const batch = await firstBatch(1);
    const model = tinyModel(1);
    const weights = model.namedParameters().map(([, v]) => v.dataSync().slice());
    const before = tf.memory().numTensors;
    await expect(step(model, batch, { type: 'augmix' })).rejects.toThrow(/epoch 1, step 1\): augmix: .*3 × 4 labels = 12 images.*got 4 images/);
    expect(tf.memory().numTensors).toBe(before);
    model.namedParameters().forEach(([name, v], i) => expect(Array.from(v.dataSync()), name).toEqual(Array.from(weights[i])));
    model.dispose();
    tf.dispose([batch.images, batch.labels]);
  });
});

describe('augmix in train(): checkpoints record the mode with its defaults', () => {
  const source = (): BatchSource & { length: number } => ({
    length: 2,
    [Symbol.asyncIterator]: () => viewStream(3),
  });
  const options = (outDir: string, mode: AugmixMode, extra: Partial<TrainOptions> = {}): TrainOptions => ({
    model: tinyModel(1),
    trainLoader: () => source(),
    epochs: 1,
    optimizer: { type: 'sgd' },
    schedule: { type: 'constant', lr: 0.01 },
    mode,
    progress: 'none',
    report: false,
    outDir,
    ...extra,
  });
  async function run(o: TrainOptions) {
    try {
      return await train(o);
    } finally {
      (o.model as unknown as { dispose(): void }).dispose();
    }
  }

  it('trains on 3-view batches (batch size = labels); a resume with another λ or without jsd is refused, the defaults spelled out are the same run', async () => {
    const out = join(tmp, 'resume');
    const before = tf.memory().numTensors;
    const h = await run(options(out, { type: 'augmix' }, { maxSteps: 1 }));
    expect(h.steps[0]).toMatchObject({ batchSize: 4 });
    expect(tf.memory().numTensors).toBe(before);
    await expect(run(options(out, { type: 'augmix', jsdWeight: 6 }, { resume: true }))).rejects.toThrow(/mode\.jsdWeight 12 → 6/);
    await expect(run(options(out, { type: 'augmix', jsd: false }, { resume: true }))).rejects.toThrow(/mode\.jsd true → false/);
    const resumed = await run(options(out, { type: 'augmix', jsd: true, jsdWeight: 12 }, { resume: true }));
    expect(resumed.resumedFrom).toEqual({ epoch: 0, step: 1 });
  });

  it('rejects a negative λ and a non-boolean jsd before anything is created', async () => {
    await expect(run(options(join(tmp, 'bad'), { type: 'augmix', jsdWeight: -1 }))).rejects.toThrow(/mode\.jsdWeight must be a finite number ≥ 0, got -1/);
    await expect(run(options(join(tmp, 'bad'), { type: 'augmix', jsd: 'yes' as unknown as boolean }))).rejects.toThrow(/mode\.jsd must be a boolean/);
  });
});
