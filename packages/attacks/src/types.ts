import type { Rng } from '@cnn/core';
import type { Tensor1D, Tensor4D } from '@tensorflow/tfjs-core';
import type { Classifier } from '@cnn/core';

/** Integer class indices, one per image: an int32 (or integer-valued) tensor, an array or an Int32Array. */
export type LabelsInput = Tensor1D | readonly number[] | Int32Array;

/** The valid pixel range `[low, high]`; the attacks clip every output to it. Default `[0, 1]`. */
export type Bounds = readonly [number, number];

/**
 * What every attack returns. The caller owns (and must dispose) `adversarial`.
 */
export interface AttackResult {
  /** float32 NHWC, same shape as the input images, inside `bounds`. */
  adversarial: Tensor4D;
  /**
   * Per example: the classifier's top-1 on `adversarial` is not the label (untargeted), or is the
   * target (targeted).
   */
  success: boolean[];
}

/**
 * The shape of an attack as {@link robustAccuracy} calls it; make one by closing over options,
 * e.g. `(c, x, y) => pgd(c, x, y, { eps: 8 / 255 })`. It must not dispose `images` or `labels`.
 */
export type AttackFn = (classifier: Classifier, images: Tensor4D, labels: LabelsInput) => Promise<AttackResult> | AttackResult;

/** Options every attack shares. */
export interface CommonAttackOptions {
  /** Valid input range, in pixel units; default `[0, 1]`. Inputs outside it are an error. */
  bounds?: Bounds;
  /**
   * Seed for the random start (ignored when the attack draws nothing). Default 0, so runs are
   * reproducible unless asked otherwise. Draws come from `createRng` on the host, so the same seed
   * gives the same start on every backend.
   */
  seed?: number;
  /** A generator to draw from instead of `seed` (advanced: it is advanced by the draws). */
  rng?: Rng;
  /**
   * Measure `success` with a final forward pass on the adversarial images (default true). Set
   * false when only the images are needed (adversarial training): `success` is then `[]`.
   * `apgd`, and `pgd` with restarts, measure anyway (they need it) but honour the empty result.
   */
  measureSuccess?: boolean;
}

/** Loss the iterative attacks ascend. */
export type AttackLoss = 'ce' | 'margin' | 'dlr' | 'dlr-targeted';

/** Norm of the threat model. */
export type AttackNorm = 'linf' | 'l2';

/**
 * Expectation over transformation (Athalye et al. 2018) for randomised models: each gradient is the
 * mean of `samples` gradients, each pass through `transform(x, rng)` when given (a random
 * augmentation, differentiable) or through the classifier as it is (a model with internal
 * randomness, as auto-attack's `eot_iter`).
 */
export interface EotOptions {
  /** Gradients averaged per step (AutoAttack's 'rand' version: 20). Integer ≥ 1. */
  samples: number;
  /** Random differentiable transform applied before the classifier; draws come from the attack's rng. */
  transform?: (x: Tensor4D, rng: Rng) => Tensor4D;
}
