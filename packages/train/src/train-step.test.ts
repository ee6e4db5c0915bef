import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, type LabeledBatch } from '@cnn/core';
import { loader, type Dataset } from '@cnn/data';
import { createOptimizer } from './optimizer.js';
import { cifarHead, crop16, tensorflowElseCpu, tinyModel } from './test-data.js';
import { trainStep } from './train-step.js';
import type { FgsmRsMode, PgdMode, TrainableModel, TrainOptions } from './types.js';

let images: Dataset;
beforeAll(async () => {
  await tensorflowElseCpu();
  images = await cifarHead(8);
});

/** The first batch of 8 real CIFAR-10 images (16×16 crops); the caller disposes it. */
async function firstBatch(): Promise<LabeledBatch> {
  for await (const b of loader(images, { batchSize: 8, transform: crop16(), prefetch: 0 })) return b;
  throw new Error('no batch');
}

/** A model that records the pixels of its training forward pass (the one whose loss is minimised). */
function recordingTrainingInput(seed: number): { model: TrainableModel; trained: Float32Array[]; dispose(): void } {
  const net = tinyModel(seed);
  const trained: Float32Array[] = [];
  const model: TrainableModel = {
    apply: (x, o) => {
      // Attacks run with updateRunningStats: false; the training forward moves the BN statistics.
      if (o.training && o.updateRunningStats !== false) trained.push(x.dataSync() as Float32Array);
      return net.apply(x, o);
    },
    namedParameters: () => net.namedParameters(),
    namedBuffers: () => net.namedBuffers(),
  };
  return { model, trained, dispose: () => net.dispose() };
}

const eps = 8 / 255;
const pixelsPerImage = 16 * 16 * 3;

describe('adversarial training modes train on attacked images (tensorflow, else cpu)', () => {
  const modes: Array<[PgdMode | FgsmRsMode, number]> = [
    [{ type: 'pgd', eps, steps: 2 }, 0],
    [{ type: 'pgd', eps, steps: 2, bnMode: 'train', randomStart: false }, 0],
    [{ type: 'fgsm-rs', eps }, 0],
    // The first half stays clean, the second half is attacked.
    [{ type: 'pgd', eps, steps: 2, cleanFraction: 0.5 }, 4],
    [{ type: 'fgsm-rs', eps, cleanFraction: 0.5 }, 4],
  ];
  for (const [mode, clean] of modes) {
    it(`${JSON.stringify(mode)}: the trained batch differs from the clean one, within ε (L∞) and in [0, 1]`, async () => {
      const { model, trained, dispose } = recordingTrainingInput(1);
      const optimizer = createOptimizer({ type: 'sgd' }, model.namedParameters());
      const batch = await firstBatch();
      const cleanPixels = batch.images.dataSync();
      const before = tf.memory().numTensors;
      await trainStep(model, optimizer, batch, 10, mode, createRng(3), 0.01, {} as TrainOptions, { epoch: 0, step: 0, globalStep: 0 });
      // Only the optimiser's state (made at its first step) stays.
      expect(tf.memory().numTensors, 'tensors left by the step').toBe(before + Object.keys(optimizer.stateTensors()).length);
      expect(trained).toHaveLength(1);
      const x = trained[0];
      expect(x.length).toBe(cleanPixels.length);
      for (let i = 0; i < 8; i++) {
        let changed = 0;
        let maxDiff = 0;
        for (let p = i * pixelsPerImage; p < (i + 1) * pixelsPerImage; p++) {
          const d = Math.abs(x[p] - cleanPixels[p]);
          if (d > 0) changed++;
          maxDiff = Math.max(maxDiff, d);
          expect(x[p]).toBeGreaterThanOrEqual(0);
          expect(x[p]).toBeLessThanOrEqual(1);
        }
        if (i < clean) {
          expect(changed, `image ${i} is in the clean part`).toBe(0);
        } else {
          // An attack moves most pixels (all but those pinned at 0 or 1 or with a zero gradient).
          expect(changed, `image ${i}: pixels changed`).toBeGreaterThan(pixelsPerImage / 2);
          expect(maxDiff, `image ${i}: L∞ distance`).toBeLessThanOrEqual(eps + 1e-6);
          expect(maxDiff, `image ${i}: L∞ distance`).toBeGreaterThan(eps / 4);
        }
      }
      tf.dispose([batch.images, batch.labels]);
      optimizer.dispose();
      dispose();
    });
  }
});
