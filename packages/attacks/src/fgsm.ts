import * as tf from '@tensorflow/tfjs-core';
import type { Tensor4D } from '@tensorflow/tfjs-core';
import type { Classifier } from '@cnn/core';
import { ensureGradients } from '@cnn/core/gradients';
import { argmaxHost, lossGradient } from './loss-gradient.js';
import { classTensor, prepare, successOf } from './prepare.js';
import { checkNonNegative, checkWithinBounds } from './validate.js';
import type { AttackResult, CommonAttackOptions, LabelsInput } from './types.js';

export interface FgsmOptions extends CommonAttackOptions {
  /** L∞ radius in pixel units (e.g. `8 / 255` for pixels in [0, 1]). */
  eps: number;
  /** Target classes, one per image: makes the attack targeted (descends cross-entropy to them). */
  targets?: LabelsInput;
}

/**
 * FGSM (Goodfellow et al. 2015), as torchattacks 3.5's `FGSM`:
 * `x' = clip(x + ε·sign(∇ₓ mean CE), low, high)` with `sign(0) = 0`.
 *
 * @param classifier NHWC images in `bounds` → logits; only its input gradient is used.
 * @param images float32 NHWC `[batch, h, w, c]` in `bounds`; not modified, not disposed.
 * @param labels true class per image (not disposed).
 * @returns `adversarial` (caller disposes) and per-example `success`.
 */
export async function fgsm(classifier: Classifier, images: Tensor4D, labels: LabelsInput, options: FgsmOptions): Promise<AttackResult> {
  const fn = 'fgsm';
  ensureGradients();
  const eps = checkNonNegative(fn, 'eps', options?.eps);
  const p = await prepare(fn, images, labels, options);
  checkWithinBounds(fn, 'eps', eps, 'linf', p.low, p.high, images);
  const classes = classTensor(p.classes);
  try {
    const adversarial = tf.tidy(() => {
      const { grad, logits } = lossGradient(fn, classifier, images, classes, 'ce', p.targeted, p.batch, (z) => p.checkLogits(z, p.batch));
      logits.dispose();
      return tf.clipByValue(tf.add(images, tf.mul(eps, tf.sign(grad))), p.low, p.high) as Tensor4D;
    });
    const success = options.measureSuccess === false ? [] : await successAt(classifier, adversarial, p);
    return { adversarial, success };
  } finally {
    classes.dispose();
  }
}

/** Per-example success of `x` under the prepared attack (one forward pass). */
export async function successAt(classifier: Classifier, x: Tensor4D, p: Parameters<typeof successOf>[1], rows?: Int32Array): Promise<boolean[]> {
  const logits = tf.tidy(() => {
    const z = classifier(x);
    p.checkLogits(z, x.shape[0]);
    return z;
  });
  const pred = await argmaxHost(logits);
  logits.dispose();
  return successOf(pred, p, rows);
}
