import type * as tf from '@tensorflow/tfjs-core';
import { robustAccuracy, type AttackFn, type LabelsInput, type RobustAccuracyCounts } from '@cnn/attacks';
import type { Classifier } from '@cnn/core';
import { runAttack } from './adversarial.js';
import type { AttackSpec } from './types.js';

/** Sees the first attack's adversarial images (before they are disposed) with the clean images and labels it attacked. */
export type FirstAttackObserver = (clean: tf.Tensor4D, adversarial: tf.Tensor4D, labels: LabelsInput) => void;

/**
 * Robust-accuracy counts of one batch through `@cnn/attacks`' `robustAccuracy` (one definition,
 * AutoAttack's: only the examples correct on clean images are attacked; the others count as
 * non-robust under every attack). Attack `a` runs with seed `seed + a`. Disposes nothing of the
 * caller's and leaves no tensors behind.
 */
export async function batchRobustCounts(
  specs: readonly AttackSpec[],
  names: readonly string[],
  classifier: Classifier,
  images: tf.Tensor4D,
  labels: tf.Tensor1D,
  seed: number,
  onFirstAttack?: FirstAttackObserver,
): Promise<RobustAccuracyCounts> {
  const attacks: Record<string, AttackFn> = {};
  specs.forEach((spec, a) => {
    attacks[names[a]] = async (c, x, y) => {
      const result = await runAttack(spec, c, x, y, seed + a);
      if (a === 0) onFirstAttack?.(x, result.adversarial, y);
      return result;
    };
  });
  const report = await robustAccuracy(classifier, [{ images, labels }], attacks, { disposeBatches: false });
  return report.counts;
}
