import * as tf from '@tensorflow/tfjs-core';
import { withTensorScope, type LabeledBatch, type Rng, type TensorScope } from '@cnn/core';
import { adversarialBatch } from './adversarial.js';
import { augmixJsdLoss, augmixViews, DEFAULT_JSD_WEIGHT } from './augmix-loss.js';
import { clipByGlobalNorm } from './clip.js';
import { lossTargets, softCrossEntropy } from './loss.js';
import { mixBatch } from './mix.js';
import type { Optimizer } from './optimizer.js';
import type { TrainableModel, TrainingMode, TrainOptions } from './types.js';

/** Thrown when the loss becomes NaN/Inf; names where. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly epoch: number,
    readonly step: number,
    readonly globalStep: number,
    readonly loss: number,
  ) {
    super(
      `non-finite training loss (${loss}) at epoch ${epoch + 1}, step ${step + 1} (global step ${globalStep + 1}); ` +
        'the update was not applied — lower the learning rate, add gradient clipping, or check the data',
    );
    this.name = 'NonFiniteLossError';
  }
}

/** Where a step is, for error messages. */
export interface StepPosition {
  epoch: number;
  step: number;
  globalStep: number;
}

export interface StepOutcome {
  loss: number;
  correct: number;
  gradNorm: number;
}

/**
 * The number of classes the model outputs, from one image in evaluation mode (no state changes,
 * no random draws), checked against `expected` (0: not known yet) and the batch's soft targets.
 * Runs before the first gradient step, so that a mismatch is found outside the gradient tape.
 */
export function modelClasses(model: TrainableModel, batch: LabeledBatch, expected: number): number {
  const k = tf.tidy(() => model.apply(tf.slice(batch.images, [0, 0, 0, 0], [1, -1, -1, -1]), { training: false }).shape[1]);
  if (expected && k !== expected) throw new Error(`train: the model outputs ${k} classes but options.numClasses is ${expected}`);
  if (batch.targets && batch.targets.shape[1] !== k) {
    throw new Error(`train: the batch's soft targets have ${batch.targets.shape[1]} classes but the model outputs ${k}`);
  }
  return k;
}

/** The batch after the mode's transform (mixup / cutmix / adversarial examples) and its soft targets; `scope` owns the new tensors. */
async function transformBatch(
  batch: LabeledBatch,
  targets: tf.Tensor2D,
  mode: TrainingMode,
  model: TrainableModel,
  rng: Rng,
  scope: TensorScope,
): Promise<{ images: tf.Tensor4D; targets: tf.Tensor2D }> {
  if (mode.type === 'mixup' || mode.type === 'cutmix') {
    const mixed = mixBatch(mode, batch.images, batch.labels, targets, rng);
    scope.trackAll([mixed.images, mixed.targets]);
    return mixed;
  }
  if (mode.type === 'pgd' || mode.type === 'fgsm-rs') {
    const images = await adversarialBatch(mode, model, batch.images, batch.labels, rng);
    scope.track(images);
    return { images, targets };
  }
  return { images: batch.images, targets };
}

/** The training loss of a forward pass's logits (differentiable; a scalar). */
type LossOfLogits = (logits: tf.Tensor2D) => tf.Scalar;

/**
 * The mode's loss: AugMix with the Jensen–Shannon term (one forward over the 3B views of B labels,
 * as google-research/augmix cifar.py), else cross-entropy with the (soft) targets.
 */
function modeLoss(mode: TrainingMode, targets: tf.Tensor2D): LossOfLogits {
  if (mode.type === 'augmix' && (mode.jsd ?? true)) return (logits) => augmixJsdLoss(logits, targets, mode.jsdWeight ?? DEFAULT_JSD_WEIGHT);
  return (logits) => softCrossEntropy(logits, targets);
}

/** The clean view's logits: the first B rows of an AugMix–JSD forward (B = labels), else all. */
function cleanLogits(logits: tf.Tensor2D, labels: number, scope: TensorScope): tf.Tensor2D {
  return logits.shape[0] === labels ? logits : scope.track(tf.slice(logits, [0, 0], [labels, -1]));
}

/**
 * Loss and gradients of the parameters at a training-mode forward pass. An error inside the
 * gradient tape (the model's, or a shape mismatch) is thrown only once the tape is released: thrown
 * inside, it would leak every tensor the tape saved for the backward pass.
 */
function lossAndGrads(model: TrainableModel, images: tf.Tensor4D, loss: LossOfLogits, vars: tf.Variable[], scope: TensorScope) {
  let logits: tf.Tensor2D | undefined;
  let failure: unknown;
  const { value, grads } = tf.variableGrads(() => {
    try {
      const out = model.apply(images, { training: true, updateRunningStats: true });
      logits = tf.keep(out);
      return loss(out);
    } catch (e) {
      failure = e;
      // Zero, but reaching the variables, so that variableGrads completes and frees the tape.
      return tf.mul(tf.addN(vars.map((v) => tf.sum(v))), 0) as tf.Scalar;
    }
  }, vars);
  scope.trackAll([value, ...Object.values(grads), ...(logits ? [logits] : [])]);
  if (failure !== undefined) throw failure;
  return { value, grads, logits: logits! };
}

/** Loss, correct count and label range of the step, in one read back to the host. */
function readStats(value: tf.Scalar, logits: tf.Tensor2D, labels: tf.Tensor1D): { loss: number; correct: number; low: number; high: number } {
  const stats = tf.tidy(() => {
    const y = tf.cast(labels, 'int32');
    const correct = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32'));
    const f = tf.cast(y, 'float32');
    return tf.stack([tf.reshape(value, []), correct, tf.min(f), tf.max(f)]);
  });
  const [loss, correct, low, high] = Array.from(stats.dataSync());
  stats.dispose();
  return { loss, correct, low, high };
}

/** An AugMix–JSD batch must hold 3 images per label (clean, aug1, aug2); other modes one. */
function checkBatchViews(batch: LabeledBatch, mode: TrainingMode, where: StepPosition): void {
  const images = batch.images.shape[0];
  const labels = batch.labels.shape[0];
  const at = `train (epoch ${where.epoch + 1}, step ${where.step + 1})`;
  if (mode.type === 'augmix' && (mode.jsd ?? true)) augmixViews(images, labels, `${at}: augmix`);
  else if (images !== labels) throw new Error(`${at}: the batch has ${images} images but ${labels} labels`);
}

/**
 * One optimisation step on a batch: mode transform (mixup / cutmix / adversarial examples), forward
 * in training mode, loss (soft targets, label smoothing; AugMix's Jensen–Shannon term over the
 * batch's 3 views, statistics of the clean view), gradients, label-range and non-finite
 * checks, clipping, optimiser update (never applied when a check fails). Disposes every tensor it
 * makes, also on errors; does not dispose `batch`.
 */
export async function trainStep(
  model: TrainableModel,
  optimizer: Optimizer,
  batch: LabeledBatch,
  numClasses: number,
  mode: TrainingMode,
  rng: Rng,
  lr: number,
  o: TrainOptions,
  where: StepPosition,
): Promise<StepOutcome> {
  checkBatchViews(batch, mode, where);
  return withTensorScope(async (scope) => {
    const onehot = scope.track(lossTargets(batch.labels, numClasses, { targets: batch.targets, labelSmoothing: o.labelSmoothing }));
    const { images, targets } = await transformBatch(batch, onehot, mode, model, rng, scope);
    const params = model.namedParameters();
    const { value, grads: byId, logits } = lossAndGrads(model, images, modeLoss(mode, targets), params.map((p) => p[1]), scope);
    const { loss, correct, low, high } = readStats(value, cleanLogits(logits, batch.labels.shape[0], scope), batch.labels);
    if (low < 0 || high >= numClasses) {
      throw new RangeError(
        `train: a label of epoch ${where.epoch + 1}, step ${where.step + 1} is ${low < 0 ? low : high}, outside the model's classes 0…${numClasses - 1}; the update was not applied`,
      );
    }
    if (!Number.isFinite(loss)) throw new NonFiniteLossError(where.epoch, where.step, where.globalStep, loss);
    // variableGrads keys gradients by variable name; map them back to the parameter names.
    const grads: Record<string, tf.Tensor> = {};
    for (const [name, v] of params) if (byId[v.name]) grads[name] = byId[v.name];
    const clipped = clipByGlobalNorm(grads, o.gradClipNorm);
    if (clipped.grads !== grads) scope.trackAll(Object.values(clipped.grads));
    if (!Number.isFinite(clipped.norm)) throw new NonFiniteLossError(where.epoch, where.step, where.globalStep, clipped.norm);
    optimizer.step(clipped.grads, lr);
    return { loss, correct, gradNorm: clipped.norm };
  });
}
