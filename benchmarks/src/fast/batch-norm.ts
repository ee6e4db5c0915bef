/**
 * Training-mode BatchNorm over NHWC activations, in two differentiable forms.
 *
 * Destined for @cnn/models (or @cnn/backend): kept here, in its own file, so the owner can lift it.
 *
 * - {@link batchNormMoments}: the textbook expression (`tf.moments` + `tf.batchNorm`); tfjs' tape
 *   differentiates through every small op (≈ 30 kernels per layer in the backward pass).
 * - {@link batchNormCustomGrad}: the same forward as one `tf.customGrad` node whose backward is the
 *   closed form, written as per-channel coefficients so that only ~7 full-size kernels run:
 *   with x̂ = (x − μ)·s, s = 1/√(σ² + ε), m₁ = mean(dy), m₂ = mean(dy·x̂):
 *   `dx = γs·dy − γs²m₂·x + (γs²m₂μ − γs·m₁)`, `dγ = s·(Σdy·x − μΣdy)`, `dβ = Σdy`.
 *
 * Both return the batch mean and biased variance (for the caller's running statistics); those two
 * tensors are `tf.keep`-ed and the caller must dispose them. Units: any; `eps` is added to the
 * variance (PyTorch default 1e-5).
 */
import * as tf from '@tensorflow/tfjs-core';

export interface BatchNormResult {
  y: tf.Tensor4D;
  /** Batch mean per channel, shape [C]; kept: the caller disposes it. */
  mean: tf.Tensor1D;
  /** Biased batch variance per channel, shape [C]; kept: the caller disposes it. */
  variance: tf.Tensor1D;
}

/** Reference: differentiated op by op by tfjs' tape. */
export function batchNormMoments(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = 1e-5): BatchNormResult {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const y = tf.batchNorm(x, mean, variance, beta, gamma, eps) as tf.Tensor4D;
    // Running statistics must not be differentiated: give the caller detached copies.
    return { y, mean: tf.keep(tf.clone(mean)) as tf.Tensor1D, variance: tf.keep(tf.clone(variance)) as tf.Tensor1D };
  });
}

/** One tape node with a closed-form gradient: few full-size ops forward and backward. */
export function batchNormCustomGrad(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps = 1e-5): BatchNormResult {
  if (x.rank !== 4) throw new Error(`batchNormCustomGrad: x must be NHWC rank 4, got shape [${x.shape}]`);
  const c = x.shape[3];
  if (gamma.size !== c || beta.size !== c) {
    throw new Error(`batchNormCustomGrad: gamma/beta must have ${c} elements (x channels), got ${gamma.size}/${beta.size}`);
  }
  let mean!: tf.Tensor1D;
  let variance!: tf.Tensor1D;
  const f = tf.customGrad((xIn, gIn, bIn, save) => {
    const xi = xIn as tf.Tensor4D;
    const g = gIn as tf.Tensor1D;
    const b = bIn as tf.Tensor1D;
    const m = tf.moments(xi, [0, 1, 2]);
    mean = tf.keep(m.mean as tf.Tensor1D);
    variance = tf.keep(m.variance as tf.Tensor1D);
    const invStd = tf.rsqrt(tf.add(m.variance, eps));
    const scale = tf.mul(g, invStd);
    const shift = tf.sub(b, tf.mul(m.mean, scale));
    const value = tf.add(tf.mul(xi, scale), shift) as tf.Tensor4D;
    (save as tf.GradSaveFunc)([xi, g, m.mean, invStd]);
    return {
      value,
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xs, gs, mu, s] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        const n = xs.size / c;
        const sumDy = tf.sum(dy, [0, 1, 2]);
        const sumDyX = tf.sum(tf.mul(dy, xs), [0, 1, 2]);
        // Σ dy·x̂ = s·(Σ dy·x − μ·Σ dy)
        const dGamma = tf.mul(s, tf.sub(sumDyX, tf.mul(mu, sumDy)));
        const gs1 = tf.mul(gs, s); // γs
        const m1 = tf.div(sumDy, n);
        const m2 = tf.div(dGamma, n);
        const coefX = tf.neg(tf.mul(tf.mul(gs1, s), m2)); // −γs²m₂
        const bias = tf.sub(tf.neg(tf.mul(coefX, mu)), tf.mul(gs1, m1)); // γs²m₂μ − γs·m₁
        const dx = tf.add(tf.add(tf.mul(dy, gs1), tf.mul(xs, coefX)), bias);
        return [dx, dGamma, sumDy];
      },
    };
  });
  const y = f(x, gamma, beta) as tf.Tensor4D;
  return { y, mean, variance };
}
