import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Classifier } from '@cnn/core';
import { ensureGradients } from '@cnn/core/gradients';
import { lossGradient } from './loss-gradient.js';
import { classTensor, prepare } from './prepare.js';
import { successAt } from './fgsm.js';
import { projectLinf, uniformLinfDelta } from './perturbation.js';
import { checkInitialDelta, checkNonNegative, checkWithinBounds } from './validate.js';
import type { AttackResult, CommonAttackOptions, LabelsInput } from './types.js';

export interface FgsmRandomStartOptions extends CommonAttackOptions {
  /** L∞ radius in pixel units. */
  eps: number;
  /** Step size in pixel units; default `1.25 · eps` (Wong et al.'s recommendation, torchattacks' 10/255 at ε = 8/255). */
  stepSize?: number;
  /** Target classes, one per image: makes the attack targeted. */
  targets?: LabelsInput;
  /** Use this start perturbation instead of a random one (same shape as images; for reproducing a reference). */
  initialDelta?: Tensor4D;
}

/**
 * "Fast" FGSM with a random start (Wong, Rice & Kolter 2020), as torchattacks 3.5's `FFGSM`:
 * `x₀ = clip(x + U[−ε, ε], low, high)`, `x' = x₀ + α·sign(∇ mean CE(x₀))`, then
 * `clip(x' − x, −ε, ε)` and clip to bounds. The start is drawn from `seed`/`rng`.
 *
 * Inputs are not modified or disposed; the caller disposes `adversarial`.
 */
export async function fgsmRandomStart(
  classifier: Classifier,
  images: Tensor4D,
  labels: LabelsInput,
  options: FgsmRandomStartOptions,
): Promise<AttackResult> {
  const fn = 'fgsmRandomStart';
  ensureGradients();
  const eps = checkNonNegative(fn, 'eps', options?.eps);
  const alpha = checkNonNegative(fn, 'stepSize', options.stepSize ?? 1.25 * eps);
  checkInitialDelta(fn, options.initialDelta, images);
  const p = await prepare(fn, images, labels, options);
  checkWithinBounds(fn, 'eps', eps, 'linf', p.low, p.high, images);
  if (options.stepSize !== undefined) checkWithinBounds(fn, 'stepSize', alpha, 'linf', p.low, p.high, images);
  const classes = classTensor(p.classes);
  try {
    const adversarial = tf.tidy(() => {
      const delta = options.initialDelta ?? uniformLinfDelta(images.shape, eps, p.rng);
      const start = tf.clipByValue(tf.add(images, delta), p.low, p.high) as Tensor4D;
      const { grad, logits } = lossGradient(fn, classifier, start, classes, 'ce', p.targeted, p.batch, (z) => p.checkLogits(z, p.batch));
      logits.dispose();
      return projectLinf(images, tf.add(start, tf.mul(alpha, tf.sign(grad))) as Tensor4D, eps, p.low, p.high);
    });
    const success = options.measureSuccess === false ? [] : await successAt(classifier, adversarial, p);
    return { adversarial, success };
  } finally {
    classes.dispose();
  }
}
