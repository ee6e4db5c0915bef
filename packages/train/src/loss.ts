import * as tf from '@tensorflow/tfjs-core';

/**
 * Targets for the loss: the batch's soft `targets` if present, else one-hot `labels`; then label
 * smoothing `(1−ε)·y + ε/K`. Returns a new float32 `[batch, numClasses]` tensor (caller disposes).
 */
export function lossTargets(labels: tf.Tensor1D, numClasses: number, options: { targets?: tf.Tensor2D; labelSmoothing?: number } = {}): tf.Tensor2D {
  const eps = options.labelSmoothing ?? 0;
  if (!(eps >= 0 && eps < 1)) throw new RangeError(`labelSmoothing must be in [0, 1), got ${eps}`);
  return tf.tidy(() => {
    let y: tf.Tensor2D;
    if (options.targets) {
      if (options.targets.shape[1] !== numClasses) {
        throw new Error(`soft targets have ${options.targets.shape[1]} classes, the model outputs ${numClasses}`);
      }
      y = tf.cast(options.targets, 'float32') as tf.Tensor2D;
    } else {
      y = tf.cast(tf.oneHot(tf.cast(labels, 'int32'), numClasses), 'float32') as tf.Tensor2D;
    }
    return eps > 0 ? (tf.add(tf.mul(y, 1 - eps), eps / numClasses) as tf.Tensor2D) : y;
  });
}

/**
 * Mean softmax cross-entropy with (soft) targets: `mean_i Σ_k −y_ik · log_softmax(z)_ik`.
 * Differentiable; returns a scalar (caller disposes), disposes nothing.
 */
export function softCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
  if (logits.shape[0] !== targets.shape[0] || logits.shape[1] !== targets.shape[1]) {
    throw new Error(`softCrossEntropy: logits [${logits.shape}] and targets [${targets.shape}] differ in shape`);
  }
  return tf.tidy(() => tf.neg(tf.mean(tf.sum(tf.mul(targets, tf.logSoftmax(logits)), 1))) as tf.Scalar);
}
