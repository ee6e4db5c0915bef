import * as tf from '@tensorflow/tfjs-core';
import { batchNormTrain } from '@cnn/backend';

/** PyTorch's BatchNorm2d defaults. */
export const BN_EPS = 1e-5;
export const BN_MOMENTUM = 0.1;

/** The state of one BatchNorm2d layer (PyTorch names in comments). */
export interface BatchNormState {
  gamma: tf.Variable; // weight
  beta: tf.Variable; // bias
  runningMean: tf.Variable; // running_mean
  runningVar: tf.Variable; // running_var
  numBatchesTracked: tf.Variable; // num_batches_tracked (int32 scalar)
}

/**
 * BatchNorm2d over NHWC exactly as PyTorch (eps 1e-5, momentum 0.1).
 *
 * - Eval (`training` false): running statistics, `y = x·scale + shift` with per-channel
 *   `scale = γ / √(running_var + eps)`, `shift = β − running_mean·scale`.
 * - Training: batch statistics over N, H, W with the biased variance for normalising. The whole
 *   normalisation is ONE op with a hand-written gradient (`batchNormTrain` of @cnn/backend:
 *   tf.customGrad, or TensorFlow's FusedBatchNormV3 on tfjs-node) — far fewer ops on the tape
 *   than differentiating tf.moments:
 *   `dx = γ·invstd·(dy − mean(dy) − x̂·mean(dy·x̂))`, `dγ = Σ dy·x̂`, `dβ = Σ dy`.
 *   With `updateRunningStats`, the running mean/var move by momentum 0.1 towards the batch mean
 *   and the UNBIASED batch variance (n/(n−1)), and num_batches_tracked += 1, in place.
 *
 * Kept in one file so the implementation can be swapped.
 * Disposes its intermediates; returns a new tensor.
 */
export function batchNorm(
  x: tf.Tensor4D,
  state: BatchNormState,
  training: boolean,
  updateRunningStats: boolean,
): tf.Tensor4D {
  if (!training) {
    return tf.tidy(() => {
      const scale = tf.mul(state.gamma, tf.rsqrt(tf.add(state.runningVar, BN_EPS)));
      const shift = tf.sub(state.beta, tf.mul(state.runningMean, scale));
      return tf.add(tf.mul(x, scale), shift) as tf.Tensor4D;
    });
  }
  const n = x.shape[0] * x.shape[1] * x.shape[2];
  if (n < 2) {
    // PyTorch: "Expected more than 1 value per channel when training".
    throw new Error(
      `batchNorm: training mode needs more than 1 value per channel, got input shape [${x.shape.join(', ')}]`,
    );
  }
  // One op with a hand-written gradient, from @cnn/backend (TensorFlow's fused kernels on tfjs-node).
  const { y, mean, variance } = batchNormTrain(x, state.gamma as tf.Tensor as tf.Tensor1D, state.beta as tf.Tensor as tf.Tensor1D, BN_EPS);
  if (updateRunningStats) updateStats(state, mean, variance, n);
  tf.dispose([mean, variance]);
  return y as tf.Tensor4D;
}

/** running ← (1 − m)·running + m·batch (unbiased variance); num_batches_tracked += 1. */
function updateStats(state: BatchNormState, mean: tf.Tensor, biasedVar: tf.Tensor, n: number): void {
  tf.tidy(() => {
    const m = BN_MOMENTUM;
    state.runningMean.assign(tf.add(tf.mul(state.runningMean, 1 - m), tf.mul(mean, m)));
    state.runningVar.assign(tf.add(tf.mul(state.runningVar, 1 - m), tf.mul(biasedVar, (m * n) / (n - 1))));
    state.numBatchesTracked.assign(tf.add(state.numBatchesTracked, tf.scalar(1, 'int32')));
  });
}
