/**
 * The PIL image operations AugMix uses (google-research/augmix augmentations.py), each with
 * explicit parameters and Pillow 9.4's exact semantics, on plain RGB bytes.
 * @packageDocumentation
 */
export { autocontrast } from './autocontrast.js';
export { equalize } from './equalize.js';
export { posterize } from './posterize.js';
export { solarize } from './solarize.js';
export { rotate } from './rotate.js';
export { shearX, shearY, translateX, translateY } from './affine-ops.js';
export { brightness, color, contrast, sharpness } from './enhance.js';
export {
  AUGMENTATIONS,
  AUGMENTATIONS_ALL,
  applyAugmixOp,
  floatParameter,
  intParameter,
  sampleAugmixParameter,
  sampleLevel,
  type AugmixOpName,
  type UniformSource,
} from './augmix-levels.js';
