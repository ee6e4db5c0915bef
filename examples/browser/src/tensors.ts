/** Between the page's bytes and tfjs: HWC uint8 images ↔ NHWC float32 tensors in [0, 1]. */
import * as tf from '@tensorflow/tfjs-core';
import type { RgbImage } from '@cnn/corruptions';
import type { ImageSet } from './image-set.js';

/** Images `start … start + count − 1` of the set as a [count, h, w, 3] tensor in [0, 1]. */
export function imagesTensor(set: ImageSet, start: number, count: number): tf.Tensor4D {
  if (!Number.isInteger(start) || !Number.isInteger(count) || start < 0 || count < 1 || start + count > set.count) {
    throw new RangeError(`images ${start}…${start + count - 1} are outside the set of ${set.count}`);
  }
  const size = set.height * set.width * 3;
  const bytes = set.pixels.subarray(start * size, (start + count) * size);
  return tf.tensor4d(toUnit(bytes), [count, set.height, set.width, 3]);
}

/** One RGB image as a [1, h, w, 3] tensor in [0, 1]. */
export function rgbTensor(rgb: RgbImage): tf.Tensor4D {
  return tf.tensor4d(toUnit(rgb.image), [1, rgb.height, rgb.width, 3]);
}

/** Bytes 0…255 → floats in [0, 1], as the trainer's loader scales them. */
function toUnit(bytes: Uint8Array): Float32Array {
  return Float32Array.from(bytes, (v) => v / 255);
}
