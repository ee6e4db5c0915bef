import * as tf from '@tensorflow/tfjs-core';
import { softCrossEntropy } from './loss.js';

/** λ of the consistency term in google-research/augmix `cifar.py`. */
export const DEFAULT_JSD_WEIGHT = 12;

/**
 * Checks that a Jensen–Shannon AugMix batch holds three views per label (clean, aug1, aug2,
 * view-major) and returns B, the number of labels.
 */
export function augmixViews(images: number, labels: number, where = 'augmix'): number {
  if (labels <= 0 || images !== 3 * labels) {
    throw new Error(
      `${where}: with the Jensen–Shannon loss a batch holds the clean view and two AugMix views of each image ` +
        `(3 × ${labels} labels = ${3 * labels} images, view-major), got ${images} images; ` +
        'use a batch transform that makes the three views (augmixTransform of @cnn/data with jsd) or train with jsd: false',
    );
  }
  return labels;
}

/**
 * `Σ_i Σ_k p_ik (log p_ik − logM_ik) / B`: torch's `F.kl_div(logM, p, reduction='batchmean')`
 * with `p = softmax(logits)`; log p comes from logSoftmax so that an underflowed p gives 0, not NaN.
 */
function klBatchmean(logM: tf.Tensor2D, logits: tf.Tensor2D): tf.Scalar {
  const logP = tf.logSoftmax(logits);
  return tf.div(tf.sum(tf.mul(tf.exp(logP), tf.sub(logP, logM))), logits.shape[0]) as tf.Scalar;
}

/**
 * The AugMix loss of google-research/augmix `cifar.py` on the logits of one forward over
 * `[clean; aug1; aug2]` (`[3B, K]`, view-major) and the clean targets `[B, K]` (one-hot, smoothed or
 * soft): `CE(z_clean, y) + λ·(KL(M‖p_clean) + KL(M‖p_aug1) + KL(M‖p_aug2))/3` where
 * `log M = log clamp((p_clean + p_aug1 + p_aug2)/3, 1e-7, 1)` and `KL(M‖p) = F.kl_div(log M, p,
 * 'batchmean') = Σ p·(log p − log M)/B`. Differentiable; returns a scalar (caller disposes).
 */
export function augmixJsdLoss(logits: tf.Tensor2D, targets: tf.Tensor2D, jsdWeight = DEFAULT_JSD_WEIGHT): tf.Scalar {
  const b = augmixViews(logits.shape[0], targets.shape[0], 'augmixJsdLoss');
  return tf.tidy(() => {
    const [clean, aug1, aug2] = tf.split(logits, [b, b, b], 0) as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
    const ce = softCrossEntropy(clean, targets);
    const mixture = tf.div(tf.addN([tf.softmax(clean), tf.softmax(aug1), tf.softmax(aug2)]), 3);
    const logM = tf.log(tf.clipByValue(mixture, 1e-7, 1)) as tf.Tensor2D;
    const kl = tf.addN([klBatchmean(logM, clean), klBatchmean(logM, aug1), klBatchmean(logM, aug2)]);
    return tf.add(ce, tf.mul(kl, jsdWeight / 3)) as tf.Scalar;
  });
}
