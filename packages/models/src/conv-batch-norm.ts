import * as tf from '@tensorflow/tfjs-core';
import { BN_EPS, type BatchNormState } from './batch-norm.js';
import { conv2d } from './pytorch-ops.js';

/**
 * `BatchNorm2d(Conv2d(x))` in EVAL mode (running statistics) as ONE convolution with a bias:
 * with per-output-channel `scale = γ / √(running_var + eps)`, the filter `[kh, kw, in, out]` is
 * multiplied by `scale` along `out`, and the bias is `β − running_mean·scale`.
 *
 * Why: eval BN as `conv(x)·scale + shift` costs two activation-sized ops forward (and one more in
 * the backward pass of an attack); folded, the extra work is weight-sized plus one bias add. The
 * folded filter and bias are computed from the current variables on every call (no cache), so
 * loaded weights and updated running statistics always count. The bias is a separate `tf.add`, not
 * `tf.fused.conv2d`: tfjs' fused conv computes the filter gradient in its backward pass even when
 * only the input gradient is needed (attacks), which would add a Conv2DBackpropFilter per layer.
 *
 * Same maths as {@link conv2d} followed by eval-mode `batchNorm`, up to float32 rounding.
 * `x` NHWC; disposes its intermediates; returns a new tensor.
 */
export function convBatchNormEval(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  stride: number,
  padding: number,
  state: Pick<BatchNormState, 'gamma' | 'beta' | 'runningMean' | 'runningVar'>,
): tf.Tensor4D {
  return tf.tidy(() => {
    const scale = tf.mul(state.gamma, tf.rsqrt(tf.add(state.runningVar, BN_EPS)));
    const bias = tf.sub(state.beta, tf.mul(state.runningMean, scale)) as tf.Tensor1D;
    const folded = tf.mul(filter, scale) as tf.Tensor4D; // broadcasts over the last (output) axis
    return conv2d(x, folded, stride, padding, bias);
  });
}
