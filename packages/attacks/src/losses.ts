import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import type { AttackLoss } from './types.js';

/** The losses {@link perExampleLoss} implements. */
export const ATTACK_LOSSES: readonly AttackLoss[] = ['ce', 'margin'];

/**
 * The per-example objective an attack *ascends*, from logits `[batch, classes]` and int32 class
 * indices `[batch]` (the true labels, or the targets when `targeted`).
 *
 * - `'ce'`: cross-entropy to the label; targeted: minus the cross-entropy to the target
 *   (torchattacks' `cost = -loss(outputs, target_labels)`).
 * - `'margin'` (Carlini–Wagner f₆, no confidence clamp): `max_{j≠y} z_j − z_y`; targeted:
 *   `z_t − max_{j≠t} z_j`. Positive exactly when the attack succeeds.
 */
export function perExampleLoss(logits: Tensor2D, classes: Tensor1D, loss: AttackLoss, targeted: boolean): Tensor1D {
  if (!(ATTACK_LOSSES as readonly string[]).includes(loss)) {
    throw new Error(`perExampleLoss: unknown loss "${String(loss)}" (known: ${ATTACK_LOSSES.join(', ')})`);
  }
  if (!(logits instanceof tf.Tensor) || logits.rank !== 2) throw new Error('perExampleLoss: logits must be a Tensor2D [batch, classes]');
  if (!(classes instanceof tf.Tensor) || classes.rank !== 1 || classes.shape[0] !== logits.shape[0]) {
    throw new Error(`perExampleLoss: classes must be a Tensor1D with one class per row of logits (${logits.shape[0]})`);
  }
  return tf.tidy(() => {
    const numClasses = logits.shape[1];
    const oneHot = tf.oneHot(classes, numClasses);
    if (loss === 'ce') {
      const ce = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1)) as Tensor1D;
      return targeted ? (tf.neg(ce) as Tensor1D) : ce;
    }
    const own = tf.sum(tf.mul(oneHot, logits), 1);
    const others = tf.max(tf.where(tf.cast(oneHot, 'bool'), tf.fill(logits.shape, -Infinity), logits), 1);
    return (targeted ? tf.sub(own, others) : tf.sub(others, own)) as Tensor1D;
  });
}
