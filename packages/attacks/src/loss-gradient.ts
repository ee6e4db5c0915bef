import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import type { Classifier, Rng } from '@cnn/core';
import { perExampleLoss } from './losses.js';
import type { AttackLoss, EotOptions } from './types.js';

/** Extra inputs of some objectives: the true labels (targeted DLR) and EOT averaging. */
export interface GradientExtras {
  labels?: Tensor1D;
  eot?: { samples: number; transform?: EotOptions['transform']; rng: Rng };
}

export interface LossGradient {
  /** d(Σᵢ lossᵢ / divisor)/dx, same shape as x. */
  grad: Tensor4D;
  /** The logits at x (so the caller knows predictions without another forward pass). */
  logits: Tensor2D;
}

/**
 * Gradient of the batch objective `Σᵢ lossᵢ / divisor` with respect to the *input* only (tf.grad
 * on x: the classifier's weights are constants here and never change).
 *
 * `divisor` is the full batch size for torchattacks' mean cross-entropy even when x is a subset of
 * the batch (early stop), so every example's gradient is the same as in the full batch.
 * `check(logits)` runs on the logits before the loss (shape/label checks). The caller disposes
 * both results. A classifier whose logits do not depend on `x` is an error naming `fn` (the attack).
 */
export function lossGradient(
  fn: string,
  classifier: Classifier,
  x: Tensor4D,
  classes: Tensor1D,
  loss: AttackLoss,
  targeted: boolean,
  divisor: number,
  check: (logits: Tensor2D) => void,
  extras: GradientExtras = {},
): LossGradient {
  const samples = extras.eot?.samples ?? 1;
  if (samples === 1 && !extras.eot?.transform) return singleGradient(fn, classifier, x, classes, loss, targeted, divisor, check, extras.labels);
  const { transform, rng } = extras.eot as NonNullable<GradientExtras['eot']>;
  // Expectation over transformation: the mean of `samples` gradients (auto-attack's eot_iter),
  // each through a fresh random transform when one is given; the last pass's logits are returned.
  const model: Classifier = transform ? (xi) => classifier(transform(xi, rng)) : classifier;
  let sum: Tensor4D | undefined;
  let last: Tensor2D | undefined;
  try {
    for (let s = 0; s < samples; s++) {
      const { grad, logits } = singleGradient(fn, model, x, classes, loss, targeted, divisor, check, extras.labels);
      last?.dispose();
      last = logits;
      const next = sum ? (tf.add(sum, grad) as Tensor4D) : grad;
      if (sum) {
        sum.dispose();
        grad.dispose();
      }
      sum = next;
    }
    const grad = tf.div(sum as Tensor4D, samples) as Tensor4D;
    (sum as Tensor4D).dispose();
    return { grad, logits: last as Tensor2D };
  } catch (error) {
    sum?.dispose();
    last?.dispose();
    throw error;
  }
}

function singleGradient(
  fn: string,
  classifier: Classifier,
  x: Tensor4D,
  classes: Tensor1D,
  loss: AttackLoss,
  targeted: boolean,
  divisor: number,
  check: (logits: Tensor2D) => void,
  labels: Tensor1D | undefined,
): LossGradient {
  let logits: Tensor2D | undefined;
  let failure: unknown;
  const f = (xi: tf.Tensor): tf.Scalar => {
    let z: Tensor2D;
    let objective: tf.Tensor;
    try {
      z = classifier(xi as Tensor4D);
      check(z);
      objective = perExampleLoss(z, classes, loss, targeted, labels);
    } catch (error) {
      // Throwing inside tf.grad would leak the tensors its tape saved for the backward pass (also
      // when the user's classifier itself throws): finish with a harmless objective that depends
      // on x (whatever the classifier returned) and throw once the tape is released.
      failure = error;
      return tf.mul(tf.sum(xi), 0);
    }
    // Kept past tf.grad's scope; the caller disposes it.
    logits = tf.keep(z);
    return tf.div(tf.sum(objective), divisor);
  };
  // engine.gradients with allowNoGradients: tf.grad throws "Cannot compute gradient" when no path
  // leads from x to the objective, before the tape's saved tensors are released (a leak on every
  // call); this way the backward pass always runs (freeing them) and the missing path is named here.
  const [grad] = tf.tidy(() => tf.engine().gradients(() => f(x), [x], undefined, true).grads.filter((g) => g != null)) as Tensor4D[];
  if (failure !== undefined || grad === undefined) {
    grad?.dispose();
    logits?.dispose();
    if (failure !== undefined) throw failure;
    throw new Error(
      `${fn}: the classifier's output does not depend on its input (no gradient reaches the images): ` +
        'it must compute the logits from the tensor it is given, not from other images or constants',
    );
  }
  return { grad, logits: logits as Tensor2D };
}

/** Checks the classifier's output: rank-2 float logits with one row per image. */
export function checkLogitsShape(fn: string, logits: unknown, batch: number): asserts logits is Tensor2D {
  if (!(logits instanceof tf.Tensor)) throw new TypeError(`${fn}: the classifier must return a tf.Tensor2D of logits, got ${typeof logits}`);
  if (logits.rank !== 2 || logits.shape[0] !== batch) {
    throw new Error(`${fn}: the classifier must return logits [${batch}, numClasses] for ${batch} images, got shape [${logits.shape.join(', ')}]`);
  }
  if (logits.shape[1] < 2) throw new Error(`${fn}: the classifier returned ${logits.shape[1]} class(es); attacks need at least 2`);
}

/** Top-1 class per row, read to the host. */
export async function argmaxHost(logits: Tensor2D): Promise<Int32Array> {
  const a = tf.argMax(logits, 1);
  const v = (await a.data()) as Int32Array;
  a.dispose();
  return v;
}
