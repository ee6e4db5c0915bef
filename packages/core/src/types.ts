import type { Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';

/**
 * The one model interface every package speaks: images in, logits out.
 *
 * - `images`: float32, NHWC `[batch, height, width, channels]`, pixels in `[0, 1]`
 *   (normalisation, if any, belongs inside the classifier).
 * - returns: float32 logits `[batch, numClasses]` (not probabilities).
 *
 * A classifier must not dispose `images` and must be differentiable with respect to them
 * (attacks take gradients through it). It runs in evaluation mode.
 */
export type Classifier = (images: Tensor4D) => Tensor2D;

/**
 * A batch of labelled images, as the data loaders yield it and the trainers consume it.
 * The consumer owns (and disposes) all of its tensors.
 */
export interface LabeledBatch {
  /** float32 NHWC pixels in `[0, 1]`. */
  images: Tensor4D;
  /** int32 class indices `[batch]`. */
  labels: Tensor1D;
  /** Optional float32 soft targets `[batch, numClasses]` (mixup, cutmix, label smoothing); rows sum to 1. */
  targets?: Tensor2D;
}
