import * as tf from '@tensorflow/tfjs-core';
import { cutmix, mixup } from '@cnn/data';
import type { Rng } from '@cnn/core';
import type { CutmixMode, MixupMode } from './types.js';

/** A mixed batch: new tensors the caller disposes. */
export interface MixedBatch {
  images: tf.Tensor4D;
  /** Soft targets `[batch, numClasses]`. */
  targets: tf.Tensor2D;
}

/**
 * Applies `@cnn/data`'s mixup / cutmix batch transform to a tensor batch (through a host copy),
 * mixing `targets` (already smoothed, if label smoothing is on) with the images. Draws from `rng`
 * (the trainer's checkpointed generator). Returns new tensors; disposes nothing.
 */
export function mixBatch(mode: MixupMode | CutmixMode, images: tf.Tensor4D, labels: tf.Tensor1D, targets: tf.Tensor2D, rng: Rng): MixedBatch {
  const [n, h, w, c] = images.shape;
  if (c !== 3) throw new Error(`${mode.type}: expects RGB images (3 channels), got ${c}`);
  const k = targets.shape[1];
  const transform = mode.type === 'mixup' ? mixup({ alpha: mode.alpha }) : cutmix({ alpha: mode.alpha ?? 1, p: mode.prob ?? 1 });
  const out = transform.apply(
    {
      images: images.dataSync() as Float32Array,
      labels: Int32Array.from(labels.dataSync()),
      targets: Float32Array.from(targets.dataSync()),
      batchSize: n,
      height: h,
      width: w,
      numClasses: k,
    },
    rng,
  );
  if (!out.targets) throw new Error(`${mode.type}: the batch transform returned no targets`);
  return { images: tf.tensor4d(out.images, [n, h, w, c]), targets: tf.tensor2d(out.targets, [n, k]) };
}
