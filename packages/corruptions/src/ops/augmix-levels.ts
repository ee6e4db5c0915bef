import type { RgbImage } from '../types.js';
import { translateX, translateY, shearX, shearY } from './affine-ops.js';
import { autocontrast } from './autocontrast.js';
import { brightness, color, contrast, sharpness } from './enhance.js';
import { equalize } from './equalize.js';
import { posterize } from './posterize.js';
import { rotate } from './rotate.js';
import { solarize } from './solarize.js';

// AugMix's level → parameter mapping (google-research/augmix augmentations.py). Random draws come
// from an injected source whose `uniform()` returns a double in [0, 1) (e.g. @cnn/core's Rng);
// each call stands for exactly one numpy draw of the reference, as noted per operation.

/** A source of uniform doubles in [0, 1); one call = one numpy `random_sample()` double. */
export interface UniformSource {
  uniform(): number;
}

/** augmentations.py `int_parameter(level, maxval)`: `int(level * maxval / 10)`. */
export function intParameter(level: number, maxval: number): number {
  return Math.trunc((level * maxval) / 10);
}

/** augmentations.py `float_parameter(level, maxval)`: `float(level) * maxval / 10.`. */
export function floatParameter(level: number, maxval: number): number {
  return (level * maxval) / 10;
}

/**
 * augmentations.py `sample_level(n)` = `np.random.uniform(low=0.1, high=n)`, i.e.
 * `0.1 + (n - 0.1) × u` with one draw `u`.
 */
export function sampleLevel(n: number, rng: UniformSource): number {
  return 0.1 + (n - 0.1) * rng.uniform();
}

/** The name of one AugMix operation, as in augmentations.py (camelCase). */
export type AugmixOpName =
  | 'autocontrast' | 'equalize' | 'posterize' | 'rotate' | 'solarize' | 'shearX' | 'shearY'
  | 'translateX' | 'translateY' | 'color' | 'contrast' | 'brightness' | 'sharpness';

/** augmentations.py `augmentations`: the ops that do not overlap ImageNet-C's test corruptions. */
export const AUGMENTATIONS: readonly AugmixOpName[] = [
  'autocontrast', 'equalize', 'posterize', 'rotate', 'solarize', 'shearX', 'shearY', 'translateX', 'translateY',
];

/** augmentations.py `augmentations_all`: the above plus color, contrast, brightness, sharpness. */
export const AUGMENTATIONS_ALL: readonly AugmixOpName[] = [...AUGMENTATIONS, 'color', 'contrast', 'brightness', 'sharpness'];

/** `-v` with probability one half, from one draw (`np.random.uniform() > 0.5`). */
const randomSign = (v: number, rng: UniformSource): number => (rng.uniform() > 0.5 ? -v : v);

/** The enhancement factor of color/contrast/brightness/sharpness: one draw. */
const enhanceFactor = (level: number, rng: UniformSource): number => floatParameter(sampleLevel(level, rng), 1.8) + 0.1;

/**
 * Draws the parameter AugMix's `op(pil_img, level)` would use, consuming the same draws in the same
 * order: no draw for autocontrast/equalize; one (sample_level) for posterize, solarize and the four
 * enhancements; two (sample_level, then the sign) for rotate, shear and translate.
 * `imageSize` is augmentations.py's IMAGE_SIZE (32 for CIFAR, 224 for ImageNet), used by translate.
 * Returns `undefined` for the parameter-free ops.
 */
export function sampleAugmixParameter(op: AugmixOpName, level: number, rng: UniformSource, imageSize = 32): number | undefined {
  switch (op) {
    case 'autocontrast':
    case 'equalize':
      return undefined;
    case 'posterize':
      return 4 - intParameter(sampleLevel(level, rng), 4); // bits
    case 'solarize':
      return 256 - intParameter(sampleLevel(level, rng), 256); // threshold
    case 'rotate':
      return randomSign(intParameter(sampleLevel(level, rng), 30), rng); // degrees
    case 'shearX':
    case 'shearY':
      return randomSign(floatParameter(sampleLevel(level, rng), 0.3), rng); // factor
    case 'translateX':
    case 'translateY':
      return randomSign(intParameter(sampleLevel(level, rng), imageSize / 3), rng); // pixels
    case 'color':
    case 'contrast':
    case 'brightness':
    case 'sharpness':
      return enhanceFactor(level, rng);
  }
}

const APPLY: Record<AugmixOpName, (img: RgbImage, p: number) => RgbImage> = {
  autocontrast: (img) => autocontrast(img),
  equalize: (img) => equalize(img),
  posterize,
  solarize,
  rotate,
  shearX,
  shearY,
  translateX,
  translateY,
  color,
  contrast,
  brightness,
  sharpness,
};

/**
 * AugMix's `op(pil_img, level)`: draws the parameter with {@link sampleAugmixParameter} and applies
 * the operation. `level` is AugMix's severity (1..10; the reference's default is 3).
 */
export function applyAugmixOp(op: AugmixOpName, img: RgbImage, level: number, rng: UniformSource, imageSize = 32): RgbImage {
  if (!(op in APPLY)) throw new RangeError(`op must be one of ${AUGMENTATIONS_ALL.join(', ')}, got ${String(op)}`);
  if (typeof level !== 'number' || !Number.isFinite(level) || level < 0.1) {
    throw new RangeError(`level must be a finite number >= 0.1 (AugMix severity), got ${String(level)}`);
  }
  const p = sampleAugmixParameter(op, level, rng, imageSize);
  return APPLY[op](img, p ?? 0);
}
