import * as tf from '@tensorflow/tfjs-core';
import { CONV2D_BIAS, simdKernelRuns } from '@cnn/backend-wasm';

/**
 * `conv2d(x, filter, strides, pad) + bias` (NHWC, `bias` `[outChannels]`), differentiable in all
 * three. On `wasm` with @cnn/backend's SIMD kernels one kernel adds the bias while writing the
 * output (one full pass over the activations fewer, e.g. per folded BatchNorm in eval mode);
 * elsewhere `tf.conv2d` then `tf.add`. Same values either way (up to float rounding).
 */
export function conv2dBias(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  strides: number | [number, number],
  pad: 'valid' | 'same' | number | tf.backend_util.ExplicitPadding,
): tf.Tensor4D {
  if (x.rank !== 4) throw new Error(`conv2dBias: x must be NHWC rank 4, got shape [${x.shape}]`);
  if (filter.rank !== 4 || filter.shape[2] !== x.shape[3]) {
    throw new Error(`conv2dBias: filter must be [kh, kw, ${x.shape[3]} (x's channels), out], got [${filter.shape}]`);
  }
  if (bias.rank !== 1 || bias.shape[0] !== filter.shape[3]) {
    throw new Error(`conv2dBias: bias must have shape [${filter.shape[3]}] (the filter's output channels), got [${bias.shape}]`);
  }
  if (simdKernelRuns(CONV2D_BIAS)) {
    const attrs = { strides, pad, dataFormat: 'NHWC', dilations: [1, 1] } as unknown as tf.NamedAttrMap;
    return tf.engine().runKernel(CONV2D_BIAS, { x, filter, bias }, attrs) as tf.Tensor4D;
  }
  return tf.tidy(() => tf.add(tf.conv2d(x, filter, strides, pad), bias));
}
