/**
 * @packageDocumentation
 * `@cnn/corruptions`: the common corruptions of CIFAR-10-C / ImageNet-C and the PIL image
 * operations AugMix uses, on plain RGB bytes; no runtime dependency, no tensors, browser-safe.
 */
export type { RgbImage } from './types.js';
export { corrupt, type CorruptOptions } from './corrupt.js';
export { CORRUPTIONS, type CorruptionName } from './names.js';
export * as ops from './ops/index.js';
