import * as tf from '@tensorflow/tfjs-core';
import type { Classifier, LabeledBatch } from '@cnn/core';
import { argmaxHost, checkLogitsShape } from './loss-gradient.js';
import { readLabels } from './validate.js';
import type { AttackFn } from './types.js';

/** Counts so far; accuracies are `count / total`. */
export interface RobustAccuracyCounts {
  /** Examples seen. */
  total: number;
  /** Correct on clean images. */
  clean: number;
  /** Per attack name: correct on clean images and not fooled by that attack. */
  attacks: Record<string, number>;
  /** Correct on clean images and fooled by none of the attacks (the per-example worst case). */
  worstCase: number;
}

export interface RobustAccuracyReport {
  counts: RobustAccuracyCounts;
  /** Fractions in [0, 1] (NaN when no example was seen). */
  cleanAccuracy: number;
  attackAccuracy: Record<string, number>;
  worstCaseAccuracy: number;
}

export interface RobustAccuracyProgress extends RobustAccuracyCounts {
  /** Batches done. */
  batches: number;
}

export interface RobustAccuracyOptions {
  /** Called after each batch with the running counts. */
  onProgress?: (progress: RobustAccuracyProgress) => void;
  /**
   * Dispose each batch's tensors (images, labels, targets) once it is evaluated, as the consumer
   * of a {@link LabeledBatch} does. Default true; set false to keep them.
   */
  disposeBatches?: boolean;
}

/**
 * Clean accuracy, accuracy under each attack and under the worst case over all attacks per
 * example, over a stream of labelled batches (async or sync iterable).
 *
 * Each attack runs only on the examples the classifier gets right on clean images (the others
 * count as wrong under every attack, as in AutoAttack); an example counts as robust to an attack
 * when the attack's `success` is false for it. Attacks are called as `attack(classifier, images,
 * labels)` and must be untargeted. The adversarial images are disposed here; batches are disposed
 * unless `disposeBatches` is false. Leaves no tensors behind.
 */
export async function robustAccuracy(
  classifier: Classifier,
  batches: AsyncIterable<LabeledBatch> | Iterable<LabeledBatch>,
  attacks: Record<string, AttackFn>,
  options: RobustAccuracyOptions = {},
): Promise<RobustAccuracyReport> {
  const fn = 'robustAccuracy';
  const names = Object.keys(attacks);
  for (const name of names) {
    if (typeof attacks[name] !== 'function') throw new TypeError(`${fn}: attacks.${name} is not a function`);
  }
  const counts: RobustAccuracyCounts = { total: 0, clean: 0, attacks: Object.fromEntries(names.map((n) => [n, 0])), worstCase: 0 };
  let batchIndex = 0;
  const dispose = options.disposeBatches ?? true;
  for await (const batch of batches as AsyncIterable<LabeledBatch>) {
    try {
      const { images } = batch;
      if (!(images instanceof tf.Tensor) || images.rank !== 4) {
        throw new Error(`${fn}: batch ${batchIndex}: images must be a Tensor4D (NHWC)`);
      }
      const n = images.shape[0];
      const labels = await readLabels(fn, `batch ${batchIndex} labels`, batch.labels, n);
      const logits = tf.tidy(() => classifier(images));
      try {
        checkLogitsShape(fn, logits, n);
      } catch (error) {
        logits.dispose();
        throw error;
      }
      const pred = await argmaxHost(logits);
      logits.dispose();
      const correctIdx = Int32Array.from(labels.keys()).filter((i) => pred[i] === labels[i]);
      counts.total += n;
      counts.clean += correctIdx.length;
      const robust = new Array<boolean>(correctIdx.length).fill(true);
      if (correctIdx.length > 0 && names.length > 0) {
        const all = correctIdx.length === n;
        const x = all ? images : tf.tidy(() => tf.gather(images, tf.tensor1d(correctIdx, 'int32')));
        const y = Int32Array.from(correctIdx, (i) => labels[i]);
        try {
          for (const name of names) {
            const result = await attacks[name](classifier, x, y);
            result.adversarial.dispose();
            if (result.success.length !== correctIdx.length) {
              throw new Error(`${fn}: attack "${name}" returned ${result.success.length} success flags for ${correctIdx.length} images`);
            }
            let held = 0;
            result.success.forEach((s, j) => {
              if (!s) held++;
              else robust[j] = false;
            });
            counts.attacks[name] += held;
          }
        } finally {
          if (!all) x.dispose();
        }
      }
      counts.worstCase += names.length === 0 ? correctIdx.length : robust.filter(Boolean).length;
    } finally {
      if (dispose) {
        batch.images?.dispose();
        batch.labels?.dispose();
        batch.targets?.dispose();
      }
    }
    batchIndex++;
    options.onProgress?.({ ...counts, attacks: { ...counts.attacks }, batches: batchIndex });
  }
  const frac = (c: number): number => (counts.total === 0 ? NaN : c / counts.total);
  return {
    counts,
    cleanAccuracy: frac(counts.clean),
    attackAccuracy: Object.fromEntries(names.map((n) => [n, frac(counts.attacks[n])])),
    worstCaseAccuracy: frac(counts.worstCase),
  };
}
