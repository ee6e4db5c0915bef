import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@cnn/backend';

/** A mixed batch: new tensors the caller disposes. */
export interface MixedBatch {
  images: tf.Tensor4D;
  /** Soft targets `[batch, numClasses]`. */
  targets: tf.Tensor2D;
  /** The mixing weight of the original images (λ; for cutmix the kept area fraction). */
  lambda: number;
}

/**
 * mixup (Zhang et al. 2018): λ ~ Beta(α, α), a random permutation π of the batch,
 * `x = λ·x + (1−λ)·x[π]`, `y = λ·y + (1−λ)·y[π]`. `targets` are the (soft) targets of the batch.
 * Draws λ and π from `rng`. Disposes nothing.
 */
export function mixupBatch(images: tf.Tensor4D, targets: tf.Tensor2D, alpha: number, rng: Rng): MixedBatch {
  if (!(alpha > 0)) throw new RangeError(`mixup: alpha must be > 0, got ${alpha}`);
  const lambda = rng.beta(alpha, alpha);
  const perm = rng.permutation(images.shape[0]);
  return tf.tidy(() => {
    const idx = tf.tensor1d(perm, 'int32');
    const x = tf.add(tf.mul(images, lambda), tf.mul(tf.gather(images, idx), 1 - lambda)) as tf.Tensor4D;
    const y = tf.add(tf.mul(targets, lambda), tf.mul(tf.gather(targets, idx), 1 - lambda)) as tf.Tensor2D;
    return { images: x, targets: y, lambda };
  });
}

/**
 * CutMix (Yun et al. 2019): λ ~ Beta(α, α), a box of area fraction ≈ 1−λ at a uniform centre
 * (clipped to the image) is replaced by the same box of a permuted partner; targets are mixed by
 * the exact kept area. Draws from `rng`. Disposes nothing.
 */
export function cutmixBatch(images: tf.Tensor4D, targets: tf.Tensor2D, alpha: number, rng: Rng): MixedBatch {
  if (!(alpha > 0)) throw new RangeError(`cutmix: alpha must be > 0, got ${alpha}`);
  const [n, h, w] = images.shape;
  const lam0 = rng.beta(alpha, alpha);
  const perm = rng.permutation(n);
  const r = Math.sqrt(1 - lam0);
  const cutH = Math.floor(h * r);
  const cutW = Math.floor(w * r);
  const cy = rng.int(h);
  const cx = rng.int(w);
  const y0 = Math.max(0, cy - Math.floor(cutH / 2));
  const y1 = Math.min(h, cy + Math.floor(cutH / 2));
  const x0 = Math.max(0, cx - Math.floor(cutW / 2));
  const x1 = Math.min(w, cx + Math.floor(cutW / 2));
  const lambda = 1 - ((y1 - y0) * (x1 - x0)) / (h * w);
  return tf.tidy(() => {
    const maskData = new Float32Array(h * w);
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) maskData[y * w + x] = 1;
    const mask = tf.tensor4d(maskData, [1, h, w, 1]);
    const idx = tf.tensor1d(perm, 'int32');
    const x = tf.add(tf.mul(images, tf.sub(1, mask)), tf.mul(tf.gather(images, idx), mask)) as tf.Tensor4D;
    const yMix = tf.add(tf.mul(targets, lambda), tf.mul(tf.gather(targets, idx), 1 - lambda)) as tf.Tensor2D;
    return { images: x, targets: yMix, lambda };
  });
}
