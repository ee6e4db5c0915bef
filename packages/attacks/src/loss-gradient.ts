import * as tf from '@tensorflow/tfjs-core';
import type { Tensor1D, Tensor2D, Tensor4D } from '@tensorflow/tfjs-core';
import type { Classifier, Rng } from '@cnn/core';
import { checkLossClasses, perExampleLoss } from './losses.js';
import { hostLoss, type ApgdLoss, type HostLoss } from './host-loss.js';
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
  const objective: Objective = (z) => perExampleLoss(z, classes, loss, targeted, extras.labels);
  return averagedGradient(fn, classifier, x, divisor, check, objective, extras.eot);
}

/** {@link lossGradient}'s result plus the loss values and predictions computed on the host. */
export interface HostLossGradient extends LossGradient {
  host: HostLoss;
}

/**
 * {@link lossGradient} with the loss and its gradient with respect to the logits computed on the
 * host ({@link hostLoss}): the logits are read inside the pass, and the backward pass starts from
 * that gradient (the objective Σ logits · dLogits has the same input gradient). `classes` and
 * `labels` are host arrays. With EOT, `host` is the last pass's, as `logits`.
 */
export function hostLossGradient(
  fn: string,
  classifier: Classifier,
  x: Tensor4D,
  classes: Int32Array,
  labels: Int32Array,
  loss: ApgdLoss,
  targeted: boolean,
  check: (logits: Tensor2D) => void,
  eot?: GradientExtras['eot'],
): HostLossGradient {
  let host: HostLoss | undefined;
  const objective: Objective = (z) => {
    checkLossClasses('perExampleLoss', loss, z.shape[1]);
    host = hostLoss(z.dataSync() as Float32Array, z.shape[1], classes, loss, targeted, labels);
    return tf.sum(tf.mul(z, tf.tensor2d(host.dLogits, z.shape)), 1);
  };
  const result = averagedGradient(fn, classifier, x, 1, check, objective, eot);
  return { ...result, host: host as HostLoss };
}

/** One pass, or with EOT the mean of `samples` gradients; the last pass's logits. */
function averagedGradient(
  fn: string,
  classifier: Classifier,
  x: Tensor4D,
  divisor: number,
  check: (logits: Tensor2D) => void,
  objective: Objective,
  eot: GradientExtras['eot'],
): LossGradient {
  const samples = eot?.samples ?? 1;
  if (samples === 1 && !eot?.transform) return singleGradient(fn, classifier, x, divisor, check, objective);
  const { transform, rng } = eot as NonNullable<GradientExtras['eot']>;
  // Expectation over transformation: the mean of `samples` gradients (auto-attack's eot_iter),
  // each through a fresh random transform when one is given; the last pass's logits are returned.
  const model: Classifier = transform ? (xi) => classifier(transform(xi, rng)) : classifier;
  let sum: Tensor4D | undefined;
  let last: Tensor2D | undefined;
  try {
    for (let s = 0; s < samples; s++) {
      const { grad, logits } = singleGradient(fn, model, x, divisor, check, objective);
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

/** The per-example objective of one pass, from the logits (inside the gradient tape). */
type Objective = (logits: Tensor2D) => tf.Tensor;

function singleGradient(fn: string, classifier: Classifier, x: Tensor4D, divisor: number, check: (logits: Tensor2D) => void, objectiveOf: Objective): LossGradient {
  let logits: Tensor2D | undefined;
  let failure: unknown;
  const f = (xi: tf.Tensor): tf.Scalar => {
    let z: Tensor2D;
    let objective: tf.Tensor;
    try {
      z = classifier(xi as Tensor4D);
      check(z);
      objective = objectiveOf(z);
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

/**
 * Whether reading a small tensor back is cheap on the current backend (tensorflow, wasm, cpu):
 * then APGD computes its loss on the host. On GPU backends (webgl, webgpu) a synchronous read
 * stalls the pipeline, so the loss stays on the device.
 */
export function readsAreCheap(): boolean {
  if (lossOnDevice) return false;
  const backend = tf.getBackend();
  return backend !== 'webgl' && backend !== 'webgpu';
}

let lossOnDevice = false;

/** Runs `f` with APGD's loss kept on the device on every backend (tests compare both paths). Internal. */
export async function withLossOnDevice<T>(f: () => Promise<T>): Promise<T> {
  lossOnDevice = true;
  try {
    return await f();
  } finally {
    lossOnDevice = false;
  }
}

/** Top-1 class per row, read to the host. */
export async function argmaxHost(logits: Tensor2D): Promise<Int32Array> {
  const a = tf.argMax(logits, 1);
  const v = (await a.data()) as Int32Array;
  a.dispose();
  return v;
}
