import * as tf from '@tensorflow/tfjs-core';

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
 *   normalisation is ONE op with a hand-written gradient (tf.customGrad) — far fewer ops on the
 *   tape than differentiating tf.moments:
 *   `dx = γ·invstd·(dy − mean(dy) − x̂·mean(dy·x̂))`, `dγ = Σ dy·x̂`, `dβ = Σ dy`.
 *   With `updateRunningStats`, the running mean/var move by momentum 0.1 towards the batch mean
 *   and the UNBIASED batch variance (n/(n−1)), and num_batches_tracked += 1, in place.
 *
 * Kept in one file so a fused kernel (e.g. from @cnn/backend) can replace it.
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
  // customGrad's typing passes inputs and the save function as one rest array.
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xIn, gamma, beta] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const mean = tf.mean(xIn, [0, 1, 2]);
    const variance = tf.mean(tf.square(tf.sub(xIn, mean)), [0, 1, 2]);
    const invstd = tf.rsqrt(tf.add(variance, BN_EPS));
    const scale = tf.mul(gamma, invstd);
    const shift = tf.sub(beta, tf.mul(mean, scale));
    const value = tf.add(tf.mul(xIn, scale), shift);
    save([xIn, gamma, mean, invstd]);
    if (updateRunningStats) updateStats(state, mean, variance, n);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, g, m, inv] = saved;
        const xhat = tf.mul(tf.sub(xs, m), inv);
        const dBeta = tf.sum(dy, [0, 1, 2]);
        const dGamma = tf.sum(tf.mul(dy, xhat), [0, 1, 2]);
        // dx = k·(dy − dβ/n − x̂·dγ/n), k = γ·invstd; written as dy·k + x̂·c1 + c2 with per-channel c's.
        const k = tf.mul(g, inv);
        const c1 = tf.mul(k, tf.div(dGamma, -n));
        const c2 = tf.mul(k, tf.div(dBeta, -n));
        const dx = tf.add(tf.add(tf.mul(dy, k), tf.mul(xhat, c1)), c2);
        return [dx, dGamma, dBeta];
      },
    };
  });
  return op(x, state.gamma, state.beta) as tf.Tensor4D;
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
