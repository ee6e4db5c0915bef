/**
 * @packageDocumentation
 * What every `@cnn` package shares, and nothing else: the model and batch types, `disposeBatch`,
 * one seeded RNG. Loading this entry loads no tfjs (the types are erased), so tensor-free packages
 * such as `@cnn/calibration` use it too. Gradient registration is at `@cnn/core/gradients` (it
 * needs tfjs-core), the atomic file write at `@cnn/core/node` (it needs `node:fs`).
 */
export type { Classifier, LabeledBatch } from './types.js';
export { disposeBatch } from './dispose-batch.js';
export { createRng, type Rng } from './rng.js';
export { TensorScope, withTensorScope } from './tensor-scope.js';
