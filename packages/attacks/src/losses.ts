import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs-core';
import type { AttackLoss } from './types.js';

/** The losses {@link perExampleLoss} implements. */
export const ATTACK_LOSSES: readonly AttackLoss[] = ['ce', 'margin', 'dlr', 'dlr-targeted'];

/** Fewest classes each loss is defined for (DLR divides by z_π1 − z_π3, targeted DLR needs z_π4). */
const MIN_CLASSES: Record<AttackLoss, number> = { ce: 2, margin: 2, dlr: 3, 'dlr-targeted': 4 };

/**
 * The per-example objective an attack *ascends*, from logits `[batch, classes]` and int32 class
 * indices `[batch]` (the true labels, or the targets when `targeted`).
 *
 * - `'ce'`: cross-entropy to the label; targeted: minus the cross-entropy to the target
 *   (torchattacks' `cost = -loss(outputs, target_labels)`).
 * - `'margin'` (Carlini–Wagner f₆, no confidence clamp): `max_{j≠y} z_j − z_y`; targeted:
 *   `z_t − max_{j≠t} z_j`. Positive exactly when the attack succeeds.
 * - `'dlr'` (Croce & Hein 2020, untargeted only): `−(z_y − max_{i≠y} z_i) / (z_π1 − z_π3 + 1e-12)`
 *   with π the classes sorted by decreasing logit (auto-attack's `dlr_loss`); needs ≥ 3 classes.
 * - `'dlr-targeted'`: `−(z_y − z_t) / (z_π1 − (z_π3 + z_π4)/2 + 1e-12)` (auto-attack's
 *   `dlr_loss_targeted`): `classes` are the targets t and `labels` the true classes y; needs
 *   `targeted` and ≥ 4 classes.
 *
 * The DLR losses are invariant to shifting and scaling the logits, which is why AutoAttack uses
 * them against models whose cross-entropy saturates.
 */
export function perExampleLoss(logits: Tensor2D, classes: Tensor1D, loss: AttackLoss, targeted: boolean, labels?: Tensor1D): Tensor1D {
  if (!(ATTACK_LOSSES as readonly string[]).includes(loss)) {
    throw new Error(`perExampleLoss: unknown loss "${String(loss)}" (known: ${ATTACK_LOSSES.join(', ')})`);
  }
  if (!(logits instanceof tf.Tensor) || logits.rank !== 2) throw new Error('perExampleLoss: logits must be a Tensor2D [batch, classes]');
  if (!(classes instanceof tf.Tensor) || classes.rank !== 1 || classes.shape[0] !== logits.shape[0]) {
    throw new Error(`perExampleLoss: classes must be a Tensor1D with one class per row of logits (${logits.shape[0]})`);
  }
  checkDlrUse(loss, targeted, labels, logits);
  return tf.tidy(() => {
    const numClasses = logits.shape[1];
    const oneHot = tf.oneHot(classes, numClasses);
    if (loss === 'ce') {
      const ce = tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), 1)) as Tensor1D;
      return targeted ? (tf.neg(ce) as Tensor1D) : ce;
    }
    const own = tf.sum(tf.mul(oneHot, logits), 1);
    if (loss === 'dlr') return dlr(logits, own, classes);
    if (loss === 'dlr-targeted') return dlrTargeted(logits, own, labels as Tensor1D);
    const others = tf.max(tf.where(tf.cast(oneHot, 'bool'), tf.fill(logits.shape, -Infinity), logits), 1);
    return (targeted ? tf.sub(own, others) : tf.sub(others, own)) as Tensor1D;
  });
}

/** Throws when `loss` is not defined for `k` classes (names `fn`). */
export function checkLossClasses(fn: string, loss: AttackLoss, k: number): void {
  if (k < MIN_CLASSES[loss]) throw new Error(`${fn}: loss '${loss}' needs at least ${MIN_CLASSES[loss]} classes, the logits have ${k}`);
}

function checkDlrUse(loss: AttackLoss, targeted: boolean, labels: Tensor1D | undefined, logits: Tensor2D): void {
  checkLossClasses('perExampleLoss', loss, logits.shape[1]);
  if (loss === 'dlr' && targeted) throw new Error("perExampleLoss: 'dlr' is untargeted; use 'dlr-targeted' (with the true labels) for targets");
  if (loss !== 'dlr-targeted') return;
  if (!targeted) throw new Error("perExampleLoss: 'dlr-targeted' needs targeted = true (classes are the targets)");
  if (!(labels instanceof tf.Tensor) || labels.rank !== 1 || labels.shape[0] !== logits.shape[0]) {
    throw new Error(`perExampleLoss: 'dlr-targeted' needs labels, a Tensor1D of the true classes with one entry per row of logits (${logits.shape[0]})`);
  }
}

/**
 * The `k` largest logits per row, largest first, each a Tensor1D. Built from argMax and one-hot
 * masks because TF.js has no gradient for topk/sort; the gradient reaches the chosen entries as
 * torch's sort passes it.
 */
function largest(logits: Tensor2D, k: number): Tensor1D[] {
  const out: Tensor1D[] = [];
  let rest: tf.Tensor2D = logits;
  for (let j = 0; j < k; j++) {
    const mask = tf.oneHot(tf.argMax(rest, 1), logits.shape[1]);
    out.push(tf.sum(tf.mul(mask, logits), 1) as Tensor1D);
    rest = tf.where(tf.cast(mask, 'bool'), tf.fill(logits.shape, -Infinity), rest) as Tensor2D;
  }
  return out;
}

/** auto-attack's dlr_loss: −(z_y − z_π2·[π1 = y] − z_π1·[π1 ≠ y]) / (z_π1 − z_π3 + 1e-12). */
function dlr(logits: Tensor2D, own: tf.Tensor, labels: Tensor1D): Tensor1D {
  const [s1, s2, s3] = largest(logits, 3);
  // [π1 = y] from one-hot masks (TF.js has no gradient for equal, and none is needed here).
  const topIsLabel = tf.sum(tf.mul(tf.oneHot(tf.argMax(logits, 1), logits.shape[1]), tf.oneHot(labels, logits.shape[1])), 1);
  const other = tf.add(tf.mul(s2, topIsLabel), tf.mul(s1, tf.sub(1, topIsLabel)));
  return tf.neg(tf.div(tf.sub(own, other), tf.add(tf.sub(s1, s3), 1e-12))) as Tensor1D;
}

/** auto-attack's dlr_loss_targeted: −(z_y − z_t) / (z_π1 − (z_π3 + z_π4)/2 + 1e-12); `target` = z_t. */
function dlrTargeted(logits: Tensor2D, target: tf.Tensor, labels: Tensor1D): Tensor1D {
  const [s1, , s3, s4] = largest(logits, 4);
  const own = tf.sum(tf.mul(tf.oneHot(labels, logits.shape[1]), logits), 1);
  return tf.neg(tf.div(tf.sub(own, target), tf.add(tf.sub(s1, tf.mul(tf.add(s3, s4), 0.5)), 1e-12))) as Tensor1D;
}
